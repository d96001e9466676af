package main

import "strings"

// suggestName returns the name closest to typed ("lss" → "ls"), or ""
// when none is within a third of typed's length in edits (at least one).
func suggestName(typed string, names []string) string {
	best, bestD := "", max(1, len(typed)/3)+1
	for _, n := range names {
		d := editDistance(strings.ToLower(typed), n)
		if strings.HasPrefix(n, strings.ToLower(typed)) && len(typed) >= 2 {
			d = min(d, 1) // a start of a command ("comp") is close
		}
		if d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// didYouMean is the "; did you mean X?" tail of an error, or "".
func didYouMean(typed string, names []string) string {
	if s := suggestName(typed, names); s != "" {
		return "; did you mean '" + s + "'?"
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b (bytes: the
// names compared are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// commandNames are the names a user may type at one level of the table.
func commandNames(table []*command) []string {
	var out []string
	for _, c := range table {
		if !c.hidden && c.name != dashboardName {
			out = append(out, c.name)
		}
	}
	return out
}
