package agentserver

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// message is an LLM Message received from a client, checked the way the
// SDK's Pydantic model checks it.
type message struct {
	Role    string
	Content []any // TextContent / ImageContent objects in SDK dump order
	Text    string
	Run     bool // SendMessageRequest.run (REST only)
}

// validationError is a 422 detail list (Pydantic ValidationError).
type validationError []wire.Obj

// Error summarises the first problem, like str(ValidationError) starts.
func (v validationError) Error() string {
	if len(v) == 0 {
		return "validation error"
	}
	return fmt.Sprintf("%d validation error(s) for Message: %v", len(v), v[0].Get("msg"))
}

// parseMessage reads a Message (or SendMessageRequest when rest is true)
// from raw JSON. Bad JSON is a *json.SyntaxError; bad fields a
// validationError.
func parseMessage(raw []byte, rest bool) (message, error) {
	var decoded any
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&decoded); err != nil {
		return message{}, err
	}
	var errs validationError
	body, isObj := decoded.(map[string]any)
	if !isObj {
		return message{}, validationError{wire.ValidationError("model_type", []any{"body"},
			"Input should be a valid dictionary or instance of Message", decoded)}
	}
	bad := func(typ string, loc []any, msg string, input any) {
		errs = append(errs, wire.ValidationError(typ, append([]any{"body"}, loc...), msg, input))
	}
	m := message{Role: "user"}
	switch r, ok := body["role"]; {
	case !ok && !rest:
		bad("missing", []any{"role"}, "Field required", body)
	case ok:
		s, isStr := r.(string)
		if !isStr || (s != "user" && s != "system" && s != "assistant" && s != "tool") {
			bad("literal_error", []any{"role"}, "Input should be 'user', 'system', 'assistant' or 'tool'", r)
		} else {
			m.Role = s
		}
	}
	switch c := body["content"].(type) {
	case nil:
	case string:
		// The SDK coerces a bare string into one TextContent.
		m.Content = []any{textContent(c)}
	case []any:
		for i, item := range c {
			obj, err := parseContent(item)
			if err != "" {
				bad("model_type", []any{"content", i}, err, item)
				continue
			}
			m.Content = append(m.Content, obj)
		}
	default:
		bad("list_type", []any{"content"}, "Input should be a valid list", c)
	}
	if rest {
		if r, ok := body["run"]; ok {
			b, isBool := r.(bool)
			if !isBool {
				bad("bool_type", []any{"run"}, "Input should be a valid boolean", r)
			}
			m.Run = b
		}
	}
	if len(errs) > 0 {
		return message{}, errs
	}
	m.Text = messageText(m.Content)
	return m, nil
}

func parseContent(item any) (wire.Obj, string) {
	o, ok := item.(map[string]any)
	if !ok {
		return nil, "Input should be a valid dictionary or object"
	}
	cache, _ := o["cache_prompt"].(bool)
	switch o["type"] {
	case "text", nil:
		t, ok := o["text"].(string)
		if !ok {
			return nil, "TextContent.text: Field required"
		}
		for k := range o {
			if k != "type" && k != "text" && k != "cache_prompt" {
				return nil, "TextContent." + k + ": Extra inputs are not permitted"
			}
		}
		obj := textContent(t)
		obj[0].V = cache
		return obj, ""
	case "image":
		urls, ok := o["image_urls"].([]any)
		if !ok {
			return nil, "ImageContent.image_urls: Field required"
		}
		list := make([]any, 0, len(urls))
		for _, u := range urls {
			s, ok := u.(string)
			if !ok {
				return nil, "ImageContent.image_urls: Input should be a valid string"
			}
			list = append(list, s)
		}
		return wire.Obj{{K: "cache_prompt", V: cache}, {K: "type", V: "image"}, {K: "image_urls", V: list}}, ""
	default:
		return nil, "Input tag does not match any of the expected content types"
	}
}

// llmMessage is a Message as the SDK dumps it inside a MessageEvent.
func llmMessage(role string, content []any) wire.Obj {
	if content == nil {
		content = []any{}
	}
	return wire.Obj{
		{K: "role", V: role},
		{K: "content", V: content},
		{K: "tool_calls", V: nil},
		{K: "tool_call_id", V: nil},
		{K: "name", V: nil},
		{K: "reasoning_content", V: nil},
		{K: "thinking_blocks", V: []any{}},
		{K: "responses_reasoning_item", V: nil},
	}
}
