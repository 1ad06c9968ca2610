package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// metaCase is a metadata JSON and what a reader makes of it (meta.json).
type metaCase struct {
	Name   string `json:"name"`
	JSON   string `json:"json_b64u"` // record 0's JSON bytes, base64url (some are not UTF-8)
	Reason Reason `json:"reason,omitempty"`
	Meta   *Meta  `json:"meta,omitempty"` // what a reader makes of an accepted one
}

func validMetas() []Meta {
	return []Meta{
		{Name: "", Type: "", Size: 0},
		{Name: "通知.pdf", Type: "application/pdf", Size: 12345},
		{Name: strings.Repeat("长", MaxNameChars), Type: strings.Repeat("t", MaxTypeChars), Size: MaxSize},
		{Name: strings.Repeat("📎", MaxNameChars), Type: "image/png", Size: 1, Thumb: vectorThumb, W: 1, H: 1<<31 - 1},
		{Name: "引号\"反斜杠\\换行\n制表\t回车\r退格\b换页\f响铃\x07零\x00删\x7f行分隔\u2028段分隔\u2029</script>", Type: "text/html", Size: 7},
	}
}

// metaRefusals are record-0 JSON texts a reader refuses, each for one reason.
func metaRefusals() []metaCase {
	c := func(name, j string) metaCase {
		return metaCase{Name: name, JSON: Encode([]byte(j)), Reason: ReasonMeta}
	}
	return []metaCase{
		c("empty", ``),
		c("not-an-object", `[1]`),
		c("null", `null`),
		c("cut-short", `{"v":1,"name":"a","type":"b","size":1`),
		c("trailing-data", `{"v":1,"name":"a","type":"b","size":1} x`),
		c("no-version", `{"name":"a","type":"b","size":1}`),
		c("version-2", `{"v":2,"name":"a","type":"b","size":1}`),
		c("no-name", `{"v":1,"type":"b","size":1}`),
		c("name-null", `{"v":1,"name":null,"type":"b","size":1}`),
		c("name-not-string", `{"v":1,"name":5,"type":"b","size":1}`),
		c("no-type", `{"v":1,"name":"a","size":1}`),
		c("no-size", `{"v":1,"name":"a","type":"b"}`),
		c("keys-differ-in-case", `{"V":1,"NAME":"a","TYPE":"b","SIZE":1}`),
		c("name-256-characters", `{"v":1,"name":"`+strings.Repeat("长", 256)+`","type":"b","size":1}`),
		c("type-128-characters", `{"v":1,"name":"a","type":"`+strings.Repeat("t", 128)+`","size":1}`),
		c("size-negative", `{"v":1,"name":"a","type":"b","size":-1}`),
		c("size-beyond-2^50", `{"v":1,"name":"a","type":"b","size":1125899906842625}`),
		c("size-fraction", `{"v":1,"name":"a","type":"b","size":1.5}`),
		c("size-string", `{"v":1,"name":"a","type":"b","size":"1"}`),
		c("thumb-empty", `{"v":1,"name":"a","type":"b","size":1,"thumb":""}`),
		c("thumb-a-path", `{"v":1,"name":"a","type":"b","size":1,"thumb":"../../../../etc/passwd0000000000"}`),
		c("thumb-uppercase", `{"v":1,"name":"a","type":"b","size":1,"thumb":"0123456789ABCDEF0123456789ABCDEF"}`),
		c("width-negative", `{"v":1,"name":"a","type":"b","size":1,"w":-1}`),
		c("height-beyond-2^31-1", `{"v":1,"name":"a","type":"b","size":1,"h":2147483648}`),
		c("lone-surrogate", `{"v":1,"name":"\ud800","type":"b","size":1}`),
		c("not-utf-8", "{\"v\":1,\"name\":\"\xff\xfe\",\"type\":\"b\",\"size\":1}"),
		c("overlong-utf-8", "{\"v\":1,\"name\":\"\xc0\xaf\",\"type\":\"b\",\"size\":1}"),
	}
}

// metaAccepted are JSON texts other than the canonical one a reader still takes.
func metaAccepted() []metaCase {
	c := func(name, j string, m Meta) metaCase { return metaCase{Name: name, JSON: Encode([]byte(j)), Meta: &m} }
	return []metaCase{
		c("white-space", " {\n \"v\" : 1 , \"name\" : \"a\" , \"type\" : \"b\" , \"size\" : 2 }\n", Meta{Name: "a", Type: "b", Size: 2}),
		c("unknown-field-ignored", `{"v":1,"name":"a","type":"b","size":2,"caption":"x"}`, Meta{Name: "a", Type: "b", Size: 2}),
		c("fields-in-another-order", `{"size":2,"type":"b","name":"a","v":1}`, Meta{Name: "a", Type: "b", Size: 2}),
		c("repeated-key-last-wins", `{"v":1,"name":"a","name":"c","type":"b","size":2}`, Meta{Name: "c", Type: "b", Size: 2}),
		c("escaped-pair", `{"v":1,"name":"\ud83d\udcce\u0041","type":"b","size":2}`, Meta{Name: "📎A", Type: "b", Size: 2}),
		c("optional-null", `{"v":1,"name":"a","type":"b","size":2,"thumb":null,"w":null}`, Meta{Name: "a", Type: "b", Size: 2}),
		c("pixels-zero", `{"v":1,"name":"a","type":"b","size":2,"w":0,"h":0}`, Meta{Name: "a", Type: "b", Size: 2}),
	}
}

func TestMetaJSONIsCanonical(t *testing.T) {
	for _, m := range validMetas() {
		j, err := m.JSON()
		if err != nil {
			t.Fatal(err)
		}
		// The canonical text parses back to the same metadata with encoding/json…
		var back map[string]any
		if err := json.Unmarshal(j, &back); err != nil || back["name"] != m.Name || back["v"] != 1.0 {
			t.Fatalf("%s does not parse back: %v", j, err)
		}
		rec, err := EncodeMeta(m)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := DecodeMeta(rec); err != nil || got != m {
			t.Fatalf("DecodeMeta(EncodeMeta(%q)) = %+v, %v", m.Name, got, err)
		}
	}
	// …and escapes exactly as JSON.stringify: control characters, quote and backslash
	// only; U+2028, '<' and '/' as they are.
	j, _ := Meta{Name: "\"\\\n\t\r\b\f\x07\x00\x7f\u2028</>", Type: "x"}.JSON()
	if want := `{"v":1,"name":"\"\\\n\t\r\b\f\u0007\u0000` + "\x7f\u2028</>" + `","type":"x","size":0}`; string(j) != want {
		t.Fatalf("JSON = %s\nwant   %s", j, want)
	}
	j, _ = Meta{Name: "a", Type: "image/webp", Size: 9, Thumb: vectorThumb, W: 320, H: 240}.JSON()
	if want := `{"v":1,"name":"a","type":"image/webp","size":9,"thumb":"` + vectorThumb + `","w":320,"h":240}`; string(j) != want {
		t.Fatalf("JSON = %s\nwant   %s", j, want)
	}
}

func TestDecodeMeta(t *testing.T) {
	for _, c := range metaRefusals() {
		t.Run("refuses "+c.Name, func(t *testing.T) {
			j, _ := Decode(c.JSON)
			_, err := DecodeMeta(metaRecord(t, string(j)))
			if ReasonOf(err) != c.Reason {
				t.Fatalf("err = %v, want reason %s", err, c.Reason)
			}
		})
	}
	for _, c := range metaAccepted() {
		t.Run("accepts "+c.Name, func(t *testing.T) {
			j, _ := Decode(c.JSON)
			m, err := DecodeMeta(metaRecord(t, string(j)))
			if err != nil || m != *c.Meta {
				t.Fatalf("DecodeMeta = %+v, %v; want %+v", m, err, *c.Meta)
			}
		})
	}
	t.Run("refuses a byte after the zeros", func(t *testing.T) {
		rec, _ := EncodeMeta(Meta{Name: "a"})
		rec[2000] = ' '
		if _, err := DecodeMeta(rec); ReasonOf(err) != ReasonPadding {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("takes JSON that fills the record", func(t *testing.T) {
		j := `{"v":1,"name":"a","type":"b","size":1}`
		j += strings.Repeat(" ", MetaRecordSize-len(j))
		if _, err := DecodeMeta([]byte(j)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refuses a record of another length", func(t *testing.T) {
		if _, err := DecodeMeta(make([]byte, 10)); ReasonOf(err) != ReasonMeta {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestMetaValidate(t *testing.T) {
	for name, m := range map[string]Meta{
		"name not UTF-8":  {Name: "\xff"},
		"type not UTF-8":  {Type: "\xc0\xaf"},
		"name too long":   {Name: strings.Repeat("a", 256)},
		"type too long":   {Type: strings.Repeat("a", 128)},
		"size negative":   {Size: -1},
		"size too large":  {Size: MaxSize + 1},
		"thumb not an id": {Thumb: "abc"},
		"width negative":  {W: -1},
		"height too big":  {H: 1 << 31},
	} {
		if err := m.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
