package fakeapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

type wireError struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    string  `json:"code"`
	} `json:"error"`
	RequestID string `json:"request_id"`
}

func TestValidation(t *testing.T) {
	_, url := newTestServer(t, Options{NoProbe: true})
	wav := dataURL("audio/wav", wavFile(16000, 8000))

	type edit func(req map[string]any)
	set := func(key string, v any) edit { return func(r map[string]any) { r[key] = v } }
	del := func(key string) edit { return func(r map[string]any) { delete(r, key) } }
	item := func(f func(c map[string]any)) edit { return func(r map[string]any) { f(content(r)) } }
	audioData := func(v string) edit {
		return item(func(c map[string]any) { c["input_audio"].(map[string]any)["data"] = v })
	}
	speech := func(voice, target string) edit {
		return func(r map[string]any) {
			r["modalities"] = []string{"text", "audio"}
			r["audio"] = map[string]any{"voice": voice, "format": "wav"}
			r["translation_options"] = map[string]any{"target_lang": target}
		}
	}

	for _, tc := range []struct {
		name    string
		edit    edit
		status  int
		code    string
		message string // exact, or a prefix when it ends in "…"
		param   string
	}{
		{"model missing", del("model"), 400, "invalid_request_error", "you must provide a model parameter.", "model"},
		{"model unknown", set("model", "qwen-max"), 404, "model_not_found", "The model `qwen-max` does not exist or you do not have access to it.", "model"},
		{"stream missing", del("stream"), 400, "invalid_parameter_error", "The 'stream' parameter is required.", "stream"},
		{"stream not bool", set("stream", "yes"), 400, "invalid_parameter_error", "'stream' must be a boolean.", "stream"},
		{"stream_options without stream", set("stream", false), 400, "invalid_parameter_error", "The 'stream_options' parameter is only allowed when 'stream' is true.", "stream_options"},
		{"two messages", func(r map[string]any) {
			m := r["messages"].([]any)
			r["messages"] = append(m, m[0])
		}, 400, "invalid_parameter_error", "'messages' must contain exactly one user message, got 2 messages.", "messages"},
		{"system role", func(r map[string]any) { r["messages"].([]any)[0].(map[string]any)["role"] = "system" }, 400, "invalid_parameter_error", "'messages[0].role' must be…", "messages[0].role"},
		{"string content", func(r map[string]any) { r["messages"].([]any)[0].(map[string]any)["content"] = "hi" }, 400, "invalid_parameter_error", "'messages[0].content' must be an array…", "messages[0].content"},
		{"two items", func(r map[string]any) {
			m := r["messages"].([]any)[0].(map[string]any)
			m["content"] = append(m["content"].([]any), m["content"].([]any)[0])
		}, 400, "invalid_parameter_error", "'messages[0].content' must contain exactly one item, got 2.", "messages[0].content"},
		{"text item", item(func(c map[string]any) { c["type"] = "text" }), 400, "invalid_parameter_error", "Invalid value for 'messages[0].content[0].type'…", "messages[0].content[0].type"},
		{"format missing", item(func(c map[string]any) { delete(c["input_audio"].(map[string]any), "format") }), 400, "invalid_parameter_error", "The 'messages[0].content[0].input_audio.format' parameter is required…", "messages[0].content[0].input_audio.format"},
		{"format unknown", item(func(c map[string]any) { c["input_audio"].(map[string]any)["format"] = "aiff" }), 400, "invalid_parameter_error", "The audio format is illegal and cannot be opened.", "messages[0].content[0].input_audio.format"},
		{"data missing", audioData(""), 400, "invalid_parameter_error", "The 'messages[0].content[0].input_audio.data' parameter is required…", "messages[0].content[0].input_audio.data"},
		{"data not a URL", audioData("/home/me/a.wav"), 400, "invalid_parameter_error", "The provided URL does not appear to be valid…", "messages[0].content[0].input_audio.data"},
		{"ftp URL", audioData("ftp://example.com/a.wav"), 400, "invalid_parameter_error", "The provided URL does not appear to be valid…", "messages[0].content[0].input_audio.data"},
		{"data URL not Base64", audioData("data:audio/wav,RIFF"), 400, "invalid_parameter_error", "'messages[0].content[0].input_audio.data' is not a valid data URL…", "messages[0].content[0].input_audio.data"},
		{"data URL without comma", audioData("data:audio/wav"), 400, "invalid_parameter_error", "'messages[0].content[0].input_audio.data' is not a valid data URL…", "messages[0].content[0].input_audio.data"},
		{"bad Base64", audioData("data:audio/wav;base64,UklGR!!!"), 400, "invalid_parameter_error", "'messages[0].content[0].input_audio.data' holds invalid Base64 data: illegal base64 data at input byte 5.", "messages[0].content[0].input_audio.data"},
		{"unpadded Base64", audioData("data:audio/wav;base64,UklGRg"), 400, "invalid_parameter_error", "'messages[0].content[0].input_audio.data' holds invalid Base64 data…", "messages[0].content[0].input_audio.data"},
		{"empty audio", audioData("data:audio/wav;base64,"), 400, "invalid_parameter_error", "The audio is empty", "messages[0].content[0].input_audio.data"},
		{"wav declared mp3", item(func(c map[string]any) { c["input_audio"].(map[string]any)["format"] = "mp3" }), 400, "invalid_parameter_error", "The audio format is illegal and cannot be opened.", "messages[0].content[0].input_audio.format"},
		{"text bytes as wav", audioData(dataURL("audio/wav", []byte("hello, world"))), 400, "invalid_parameter_error", "The audio format is illegal and cannot be opened.", "messages[0].content[0].input_audio.format"},
		{"wav as video", item(func(c map[string]any) {
			c["type"] = "video_url"
			c["video_url"] = map[string]any{"url": wav}
		}), 400, "invalid_parameter_error", "The file format is illegal and cannot be opened.", "messages[0].content[0].video_url.url"},
		{"video without url", item(func(c map[string]any) { c["type"] = "video_url" }), 400, "invalid_parameter_error", "The 'messages[0].content[0].video_url' parameter is required for type video_url.", "messages[0].content[0].video_url"},
		{"translation_options missing", del("translation_options"), 400, "invalid_parameter_error", "The 'translation_options.target_lang' parameter is required.", "translation_options.target_lang"},
		{"target missing", set("translation_options", map[string]any{"source_lang": "zh"}), 400, "invalid_parameter_error", "The 'translation_options.target_lang' parameter is required.", "translation_options.target_lang"},
		{"target as a name", set("translation_options", map[string]any{"target_lang": "English"}), 400, "invalid_parameter_error", `Invalid value for 'translation_options.target_lang': "English" is not a supported language code…`, "translation_options.target_lang"},
		{"source as a name", set("translation_options", map[string]any{"target_lang": "en", "source_lang": "Chinese"}), 400, "invalid_parameter_error", `Invalid value for 'translation_options.source_lang': "Chinese"…`, "translation_options.source_lang"},
		{"source auto", set("translation_options", map[string]any{"target_lang": "en", "source_lang": "auto"}), 400, "invalid_parameter_error", `Invalid value for 'translation_options.source_lang': "auto"…`, "translation_options.source_lang"},
		{"modalities audio only", set("modalities", []string{"audio"}), 400, "invalid_parameter_error", "Invalid value for 'modalities'…", "modalities"},
		{"audio object missing", set("modalities", []string{"text", "audio"}), 400, "invalid_parameter_error", "The 'audio' parameter is required when 'modalities' includes \"audio\".", "audio"},
		{"voice missing", func(r map[string]any) {
			r["modalities"] = []string{"text", "audio"}
			r["audio"] = map[string]any{"format": "wav"}
		}, 400, "invalid_parameter_error", "The 'audio.voice' parameter is required…", "audio.voice"},
		{"audio format mp3", func(r map[string]any) {
			r["modalities"] = []string{"text", "audio"}
			r["audio"] = map[string]any{"voice": "Cherry", "format": "mp3"}
		}, 400, "invalid_parameter_error", `Invalid value for 'audio.format': "mp3"; only "wav" is supported.`, "audio.format"},
		{"speech in Thai", speech("Cherry", "th"), 400, "invalid_parameter_error", `'translation_options.target_lang' "th" cannot be spoken…`, "translation_options.target_lang"},
		{"unknown voice", speech("Alloy", "en"), 400, "invalid_parameter_error", `Invalid value for 'audio.voice': "Alloy"…`, "audio.voice"},
		{"voice case", speech("cherry", "en"), 400, "invalid_parameter_error", `Invalid value for 'audio.voice': "cherry"…`, "audio.voice"},
		{"Jada in English", speech("Jada", "en"), 400, "invalid_parameter_error", `'audio.voice' "Jada" cannot speak the target language "en"; voices for it: Cherry, Ethan, Nofish.`, "audio.voice"},
		{"Cherry in Cantonese", speech("Cherry", "yue"), 400, "invalid_parameter_error", `'audio.voice' "Cherry" cannot speak the target language "yue"; voices for it: Kiki.`, "audio.voice"},
		{"max_tokens 0", set("max_tokens", 0), 400, "invalid_parameter_error", "Range of max_tokens should be [1, 4096]", "max_tokens"},
		{"max_tokens 4097", set("max_tokens", 4097), 400, "invalid_parameter_error", "Range of max_tokens should be [1, 4096]", "max_tokens"},
		{"max_tokens fraction", set("max_tokens", 1.5), 400, "invalid_parameter_error", "'max_tokens' must be Integer", "max_tokens"},
		{"seed negative", set("seed", -1), 400, "invalid_value", "-1 is lesser than the minimum of 0 - 'seed'", "seed"},
		{"seed too big", set("seed", int64(1)<<31), 400, "invalid_value", "2147483648 is greater than the maximum of 2147483647 - 'seed'", "seed"},
		{"seed string", set("seed", "7"), 400, "invalid_parameter_error", "'seed' must be a number.", "seed"},
		{"seed fraction", set("seed", 0.5), 400, "invalid_value", "'seed' must be Integer", "seed"},
		{"temperature 2", set("temperature", 2.0), 400, "invalid_parameter_error", "Temperature should be in [0.0, 2.0)", "temperature"},
		{"temperature negative", set("temperature", -0.1), 400, "invalid_parameter_error", "Temperature should be in [0.0, 2.0)", "temperature"},
		{"top_p 0", set("top_p", 0), 400, "invalid_parameter_error", "Range of top_p should be (0.0, 1.0]", "top_p"},
		{"top_p over 1", set("top_p", 1.01), 400, "invalid_parameter_error", "Range of top_p should be (0.0, 1.0]", "top_p"},
		{"presence_penalty", set("presence_penalty", 2.5), 400, "invalid_parameter_error", "Presence_penalty should be in [-2.0, 2.0]", "presence_penalty"},
		{"top_k negative", set("top_k", -1), 400, "invalid_parameter_error", "Parameter top_k be greater than or equal to 0", "top_k"},
		{"repetition_penalty 0", set("repetition_penalty", 0), 400, "invalid_parameter_error", "Repetition_penalty should be greater than 0.0", "repetition_penalty"},
		{"speech_rate", set("speech_rate", 3), 400, "invalid_parameter_error", "Range of speech_rate should be [0.5, 2.0]", "speech_rate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := baseRequest(wav)
			tc.edit(req)
			resp := post(t, url, bytes.NewReader(mustJSON(t, req)), testKey)
			checkError(t, resp, tc.status, tc.code, tc.message, tc.param)
		})
	}
}

func checkError(t *testing.T, resp response, status int, code, message, param string) {
	t.Helper()
	if resp.Status != status {
		t.Fatalf("status %d, want %d; body %s", resp.Status, status, resp.Body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var e wireError
	if err := json.Unmarshal(resp.Body, &e); err != nil {
		t.Fatalf("error body %s: %v", resp.Body, err)
	}
	if e.Error.Code != code {
		t.Errorf("code %q, want %q", e.Error.Code, code)
	}
	if prefix, ok := strings.CutSuffix(message, "…"); ok {
		if !strings.HasPrefix(e.Error.Message, prefix) {
			t.Errorf("message %q, want prefix %q", e.Error.Message, prefix)
		}
	} else if e.Error.Message != message {
		t.Errorf("message %q, want %q", e.Error.Message, message)
	}
	gotParam := "<null>"
	if e.Error.Param != nil {
		gotParam = *e.Error.Param
	}
	if param == "" {
		param = "<null>"
	}
	if gotParam != param {
		t.Errorf("param %q, want %q", gotParam, param)
	}
	if e.Error.Type == "" {
		t.Errorf("type is empty")
	}
	if e.RequestID == "" || e.RequestID != resp.Header.Get("X-Request-Id") {
		t.Errorf("request_id %q, header %q", e.RequestID, resp.Header.Get("X-Request-Id"))
	}
}

func TestValidEdges(t *testing.T) {
	s, url := newTestServer(t, Options{NoProbe: true})
	wav := dataURL("audio/wav", wavFile(16000, 8000))
	for _, tc := range []struct {
		name string
		edit func(r map[string]any)
	}{
		{"bounds low", func(r map[string]any) {
			r["max_tokens"], r["seed"], r["temperature"], r["top_p"], r["presence_penalty"], r["top_k"], r["repetition_penalty"] = 1, 0, 0, 1, -2, 0, 0.01
		}},
		{"bounds high", func(r map[string]any) {
			r["max_tokens"], r["seed"], r["temperature"], r["presence_penalty"], r["top_k"], r["speech_rate"] = 4096, 2147483647, 1.999, 2, 1000, 2
		}},
		{"integral floats", func(r map[string]any) { r["max_tokens"], r["seed"] = 100.0, 3.0 }},
		{"nulls are absent", func(r map[string]any) { r["top_k"], r["seed"], r["modalities"] = nil, nil, nil }},
		{"Ethan in Japanese", func(r map[string]any) {
			r["modalities"] = []string{"text", "audio"}
			r["audio"] = map[string]any{"voice": "Ethan", "format": "wav"}
			r["translation_options"] = map[string]any{"target_lang": "ja", "source_lang": "en"}
		}},
		{"Kiki in Cantonese", func(r map[string]any) {
			r["modalities"] = []string{"text", "audio"}
			r["audio"] = map[string]any{"voice": "Kiki", "format": "wav"}
			r["translation_options"] = map[string]any{"target_lang": "yue"}
		}},
		{"audio ignored for text", func(r map[string]any) { r["audio"] = map[string]any{"voice": "Jada", "format": "wav"} }},
		{"snapshot model", func(r map[string]any) { r["model"] = "qwen3-livetranslate-flash-2025-12-01" }},
		{"https audio URL", func(r map[string]any) {
			content(r)["input_audio"].(map[string]any)["data"] = "https://example.com/a.mp3?x=1&y=2"
		}},
		{"not streamed", func(r map[string]any) { r["stream"] = false; delete(r, "stream_options") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := baseRequest(wav)
			tc.edit(req)
			resp := post(t, url, bytes.NewReader(mustJSON(t, req)), testKey)
			if resp.Status != 200 || resp.Err != nil {
				t.Fatalf("status %d (%v): %s", resp.Status, resp.Err, resp.Body)
			}
		})
	}
	reqs := s.Requests()
	if got := reqs[1].Params; got["seed"] != float64(2147483647) || got["top_k"] != float64(1000) || got["speech_rate"] != float64(2) {
		t.Errorf("recorded params %v", got)
	}
	if r := reqs[4]; r.Voice != "Ethan" || r.SourceLang != "en" || r.TargetLang != "ja" || strings.Join(r.Modalities, ",") != "text,audio" {
		t.Errorf("recorded %+v", r)
	}
	if r := reqs[8]; r.URL != "https://example.com/a.mp3?x=1&y=2" || r.MediaBytes != 0 {
		t.Errorf("recorded %+v", r)
	}
}

func TestAuthAndTransport(t *testing.T) {
	s, url := newTestServer(t, Options{NoProbe: true})
	body := mustJSON(t, baseRequest(dataURL("audio/wav", wavFile(16000, 100))))

	for _, key := range []string{"", "sk-wrong"} {
		resp := post(t, url, bytes.NewReader(body), key)
		checkError(t, resp, 401, "invalid_api_key", "Incorrect API key provided. ", "")
		var e wireError
		json.Unmarshal(resp.Body, &e)
		if e.Error.Type != "invalid_request_error" {
			t.Errorf("type %q", e.Error.Type)
		}
	}

	resp := post(t, url, strings.NewReader(`{"model":`), testKey)
	checkError(t, resp, 400, "invalid_parameter_error", "Required body invalid, please check the request body format.", "")
	resp = post(t, url, strings.NewReader(`{} {}`), testKey)
	checkError(t, resp, 400, "invalid_parameter_error", "Required body invalid, please check the request body format.", "")

	req := mustRequest(t, "POST", url+"/chat/completions", body)
	req.Header.Set("Content-Type", "text/plain")
	if r := do(t, req); r.Status != 400 {
		t.Errorf("text/plain body: status %d", r.Status)
	}
	if r := do(t, mustRequest(t, "GET", url+"/chat/completions", nil)); r.Status != 405 {
		t.Errorf("GET: status %d", r.Status)
	}
	if r := do(t, mustRequest(t, "POST", url+"/completions", body)); r.Status != 404 {
		t.Errorf("wrong path: status %d", r.Status)
	}
	// The other two documented routes answer too.
	for _, path := range []string{"/v1/chat/completions", "/chat/completions"} {
		root := strings.TrimSuffix(url, "/compatible-mode/v1")
		if r := do(t, mustRequest(t, "POST", root+path, body)); r.Status != 200 {
			t.Errorf("%s: status %d %s", path, r.Status, r.Body)
		}
	}
	got := s.Requests()
	if len(got) != 9 || got[0].Status != 401 || got[2].Status != 400 || got[8].Status != 200 {
		t.Errorf("recorded statuses: %+v", got)
	}
}

func mustRequest(t *testing.T, method, url string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "application/json")
	return req
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, rerr := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b, Err: rerr}
}
