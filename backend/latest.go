package backend

// SendLatest puts v into ch (which must have capacity 1 and a single
// sender), replacing a value the reader has not taken yet. Sources use it
// so a slow reader sees the newest snapshot instead of a backlog, and the
// sender never blocks.
func SendLatest[T any](ch chan T, v T) {
	for {
		select {
		case ch <- v:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}
