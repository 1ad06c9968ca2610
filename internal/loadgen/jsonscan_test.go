package loadgen

import (
	"encoding/json"
	"testing"
)

func TestDecodeInbound(t *testing.T) {
	tests := []struct {
		name     string
		frame    string
		wantType string
		wantRef  string
		wantData string
		wantErr  bool
	}{
		{"ack", `{"v":1,"type":"ack","ref":"1767225600123456789","data":{"channel_id":3,"seq":9}}`, "ack", "1767225600123456789", `{"channel_id":3,"seq":9}`, false},
		{"no data", `{"v":1,"type":"pong"}`, "pong", "", "", false},
		{"spaces", ` { "type" : "welcome" , "data" : { "user_id" : 7 } } `, "welcome", "", `{ "user_id" : 7 }`, false},
		{"data first, nested", `{"data":{"a":[1,{"b":"}"}],"c":"\"{"},"type":"message","v":1}`, "message", "", `{"a":[1,{"b":"}"}],"c":"\"{"}`, false},
		{"escaped ref", `{"type":"error","ref":"a\"b\\","data":{}}`, "error", `a"b\`, `{}`, false},
		{"unicode type", `{"type":"\u006dessage"}`, "message", "", "", false},
		{"empty object", `{}`, "", "", "", false},
		{"not an object", `[1,2]`, "", "", "", true},
		{"truncated", `{"type":"ack","data":{"seq":1`, "", "", "", true},
		{"unterminated string", `{"type":"ack`, "", "", "", true},
		{"missing colon", `{"type" "ack"}`, "", "", "", true},
		{"type not a string", `{"type":5}`, "", "", "", true},
		{"two frames without newline", `{"type":"ack"}{"type":"message"}`, "", "", "", true},
		{"trailing garbage", `{"type":"ack"} x`, "", "", "", true},
		{"trailing space", `{"type":"ack"}  `, "ack", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := decodeInbound([]byte(tt.frame))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error for %s", tt.frame)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Type != tt.wantType || f.Ref != tt.wantRef || string(f.Data) != tt.wantData {
				t.Errorf("got type %q ref %q data %q", f.Type, f.Ref, f.Data)
			}
			// Whatever the scanner accepts, encoding/json reads the same way.
			var ref struct {
				Type string          `json:"type"`
				Ref  string          `json:"ref"`
				Data json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal([]byte(tt.frame), &ref); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			if ref.Type != f.Type || ref.Ref != f.Ref || string(ref.Data) != string(f.Data) {
				t.Errorf("encoding/json disagrees: %+v", ref)
			}
		})
	}
}

func TestDecodeMessage(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    delivered
		wantErr bool
	}{
		{"server shape",
			`{"channel_id":12,"seq":345,"sender_id":99,"client_id":"3f2a-1-2","text":"lg 3f2a 1767225600123456789 xxxx","mentions":[1,2],"secrecy":0,"created_at":"2026-11-23T14:03:49.508Z","edited_at":null}`,
			delivered{ChannelID: 12, Seq: 345, Text: "lg 3f2a 1767225600123456789 xxxx"}, false},
		{"escaped text", `{"channel_id":1,"seq":2,"text":"第一行\n\"引号\" \u6536\u5230"}`, delivered{ChannelID: 1, Seq: 2, Text: "第一行\n\"引号\" 收到"}, false},
		{"missing fields are zero", `{"text":""}`, delivered{}, false},
		{"seq not a number", `{"seq":"x"}`, delivered{}, true},
		{"text not a string", `{"text":5}`, delivered{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeMessage([]byte(tt.data))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
