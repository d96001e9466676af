package main

import (
	"slices"
	"strings"
)

// maxNear is how many "did you mean" candidates an error names.
const maxNear = 3

// nearest keeps the candidates closest to what the user typed.
type nearest struct {
	cands []nearCand
}

type nearCand struct {
	shown string
	dist  int
}

// add scores name against typed: the fewest edits that turn typed into
// some stretch of name (so a short id is compared with every part of a
// long one, case-insensitively). Only close ones are kept: at most a
// third of what was typed (and at least one edit) may differ.
func (n *nearest) add(typed, name, shown string) {
	if typed == "" {
		return
	}
	d := substringDistance(strings.ToLower(typed), strings.ToLower(name))
	if d > max(1, len(typed)/3) {
		return
	}
	n.cands = append(n.cands, nearCand{shown, d})
}

// hint names the best candidates ("a, b or c"), or "" when none is close.
func (n nearest) hint() string {
	if len(n.cands) == 0 {
		return ""
	}
	c := slices.Clone(n.cands)
	slices.SortStableFunc(c, func(a, b nearCand) int { return a.dist - b.dist })
	var names []string
	for _, x := range c {
		if !slices.Contains(names, x.shown) {
			names = append(names, x.shown)
		}
		if len(names) == maxNear {
			break
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// substringDistance is the edit distance between p and the stretch of s
// closest to it (Sellers' approximate matching: a free start and end in
// s). It is at most len(p).
func substringDistance(p, s string) int {
	prev := make([]int, len(s)+1) // row 0: matching may start anywhere
	cur := make([]int, len(s)+1)
	for i := 1; i <= len(p); i++ {
		cur[0] = i
		for j := 1; j <= len(s); j++ {
			cost := 1
			if p[i-1] == s[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return slices.Min(prev)
}
