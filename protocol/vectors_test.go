package protocol

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The shared JSON vectors (PROTOCOL.md §1, "Shared vectors"): each wire type the web
// client reads or writes, every field filled, written to testdata/vectors/<Type>.json.
// client-web/src/vectors.test.ts checks each file's keys against the TypeScript type of
// the same name, so a field added on one side only fails a test on the other.
//
//	go test ./protocol -run TestVectors -update   # rewrite the files after a change

var update = flag.Bool("update", false, "rewrite testdata/vectors from the types")

// vectorTypes are the wire types the client shares, named as their files.
var vectorTypes = []any{
	// Frames (§7), both ways.
	WelcomeData{}, AckData{}, Message{}, ReadData{}, ResyncData{}, ChannelEvent{}, NoticeEvent{},
	SendData{}, EditData{}, RecallData{}, AwayData{}, HelloData{},
	// Reactions (§7.4 react, §7.5 reactions).
	ReactData{}, ReactionsData{},
	// The error of a REST answer and of an error frame (§2).
	ErrorBody{},
	// Chat (§4.9).
	Channel{}, ChannelMember{}, Messages{}, MessagesAround{},
	// Forwarding (§4.9).
	ForwardRequest{}, ForwardResult{},
	// Read status (§4.14).
	ChannelReads{}, ReadsData{},
	// Notices (§4.10).
	Notice{}, Notices{}, NoticeRevisions{}, NoticeTally{}, RemindResult{},
	PublishNoticeRequest{}, ReviseNoticeRequest{}, WithdrawNoticeRequest{}, NoticeReadRequest{},
	// Urgent notices and audience counts (§4.10, §4.13).
	NoticeAudienceRequest{}, NoticeAudienceSummary{},
	// Quiet hours (§4.11).
	WorkScheduleResponse{}, CalendarYear{}, DutyList{}, MyQuietResponse{}, ChannelNotify{}, ReachabilityResponse{},
	// Files (§4.15), keys (§4.16), escrow (§4.17), 群文件 (§4.9) and the key frame (§7.5).
	CreateUploadRequest{}, Upload{}, CompleteUploadRequest{}, Attachment{}, AttachmentRef{},
	FileKey{}, PostFileKeysRequest{}, FileKeys{}, UserKey{}, UserKeys{}, MyKey{}, PutMyKeyRequest{},
	EscrowKey{}, SetEscrowKeyRequest{}, EscrowOpenRequest{}, EscrowOpen{}, ChannelFile{}, ChannelFiles{}, KeyEvent{},
	// Key requests (§4.16) and their frames (§7.5).
	FileKeyRequest{}, FileKeyRequestResult{}, KeyRequestEvent{}, KeySharedEvent{},
	// To-dos (§4.22) and the todo frame (§7.5).
	TodoItem{}, Todos{}, Todo{}, TodoEvent{}, CreateTodoRequest{},
	// What the server tells clients before login (§4.1), its limits on files among it.
	Info{},
	// Secrecy levels (§4.18), legal holds (§4.19) and the expired frame (§7.5).
	SecrecyConfig{}, PutSecrecyLevelsRequest{}, ChannelSecrecyList{}, PutChannelSecrecyRequest{},
	HoldList{}, CreateHoldRequest{}, HoldReleaseRequest{}, ExpiredData{},
	// Login without the password (§4.2, §4.3) and key recovery (§4.23, issue 12).
	PreloginRequest{}, PreloginResponse{}, LoginRequest{}, LoginResponse{}, Me{}, Credential{},
	ChangePasswordRequest{}, TOTPDisableRequest{},
	AccountRecoveryKey{}, SetAccountRecoveryKeyRequest{}, CreateKeyRecoveryRequest{}, KeyRecovery{},
	KeyRecoveries{}, AnswerKeyRecoveryRequest{}, ApproveKeyRecoveryRequest{}, RejectKeyRecoveryRequest{},
	KeyRecoveryEvent{},
}

// vectorTime is every instant in the vectors.
var vectorTime = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func TestVectors(t *testing.T) {
	dir := filepath.Join("testdata", "vectors")
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]bool{}
	for _, v := range vectorTypes {
		name := reflect.TypeOf(v).Name()
		want[name+".json"] = true
		t.Run(name, func(t *testing.T) {
			got, err := json.MarshalIndent(filled(reflect.TypeOf(v), ""), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			file := filepath.Join(dir, name+".json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			golden, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./protocol -run TestVectors -update)", err)
			}
			if !bytes.Equal(got, golden) {
				t.Errorf("%s differs from %s; if the change is meant, run go test ./protocol -run TestVectors -update and update the client's type:\n%s", name, file, got)
			}
		})
	}
	t.Run("no stale files", func(t *testing.T) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !want[e.Name()] {
				t.Errorf("%s is not a vector type any more; remove it (or run -update)", e.Name())
			}
		}
	})
}

// filled is a value of type t with every field set, so that each key of its JSON is
// present: a string holds its own JSON name, numbers are 1, booleans true, instants
// vectorTime, and a slice holds one element.
func filled(t reflect.Type, name string) any {
	v := reflect.New(t).Elem()
	fill(v, name)
	return v.Interface()
}

func fill(v reflect.Value, name string) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(vectorTime))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			fill(v.Field(i), jsonName(f))
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), name)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), name)
	case reflect.String:
		v.SetString(name)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Bool:
		v.SetBool(true)
	default:
		panic("vectors: no filler for " + v.Type().String() + " (" + name + ")")
	}
}

// jsonName is the key a struct field is written under.
func jsonName(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if tag == "" {
		return f.Name
	}
	return tag
}
