// Command render executes Go text/template cases for the differential test of the TypeScript
// port. It reads a JSON array of cases from stdin and writes a JSON array of results to stdout,
// one per case: {"output": "..."} or {"error": "..."} (parse or execution error, Go's message).
//
// Case data is decoded as Istio decodes values (encoding/json into interface{}: numbers are
// float64). A case may instead name a typed fixture ("typed": "NAME") built below; the
// TypeScript side (test/template/typed-fixtures.ts) builds the same values.
//
// The module (go.mod beside this file) pins sprig v3.3.0 and sigs.k8s.io/yaml, the versions
// Istio builds its injector with; sprig's TxtFuncMap and Istio's toYaml are always compiled in.
// Run with the argument
// "-names", the program prints the names of the sprig functions compiled in (a JSON array); with
// "-unmarshal", it reads a JSON array of YAML texts and gives, per text, the JSON of the value
// sigs.k8s.io/yaml.Unmarshal reads from it (how Istio reads its templates' output).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

type options struct {
	MissingKey string `json:"missingkey"`
	Funcs      string `json:"funcs"` // "builtins" (default), "sprig" or "yaml" (toYaml only)
}

type testCase struct {
	Name     string          `json:"name"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
	Typed    string          `json:"typed"`
	Options  options         `json:"options"`
}

type result struct {
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

// Inner is a pointer-receiver type like a protobuf wrapper: methods work on a nil receiver.
type Inner struct {
	Value bool
	Text  string
}

func (i *Inner) GetValue() bool {
	if i == nil {
		return false
	}
	return i.Value
}

func (i *Inner) GetText() string {
	if i == nil {
		return ""
	}
	return i.Text
}

// Mode is a named int32 with a String method, like a protobuf enum.
type Mode int32

func (m Mode) String() string {
	switch m {
	case 0:
		return "REDIRECT"
	case 1:
		return "TPROXY"
	}
	return fmt.Sprintf("Mode(%d)", int32(m))
}

// Typed is a struct with Go-typed fields, maps, slices, pointers and methods.
type Typed struct {
	Name    string
	Count   int
	Count64 int64
	Port    int32
	Ratio   float64
	Flag    bool
	Labels  map[string]string
	Tags    []string
	Ptr     *Inner
	NilPtr  *Inner
	Any     interface{}
	Mode    Mode
	Values  map[string]interface{}
}

func (t Typed) Upper(s string) string { return strings.ToUpper(s) }
func (t Typed) Add(a, b int) int      { return a + b }
func (t Typed) Join(sep string, parts ...string) string {
	return strings.Join(parts, sep)
}
func (t Typed) Fail() (string, error) { return "", errors.New("failed on purpose") }
func (t *Typed) GetInner() *Inner     { return t.Ptr }
func (t *Typed) GetNil() *Inner       { return t.NilPtr }

func typedFixture(name string) (interface{}, error) {
	switch name {
	case "typed1", "typed1ptr":
		var values map[string]interface{}
		_ = json.Unmarshal([]byte(`{"a": 1, "s": "x", "list": [1, "b"], "nested": {"k": "v"}}`), &values)
		t := Typed{
			Name:    "proxy",
			Count:   3,
			Count64: 15020,
			Port:    15001,
			Ratio:   0.25,
			Flag:    true,
			Labels:  map[string]string{"app": "web", "version": "v1"},
			Tags:    []string{"b", "a"},
			Ptr:     &Inner{Value: true, Text: "inner"},
			Any:     "anything",
			Mode:    1,
			Values:  values,
		}
		if name == "typed1ptr" {
			return &t, nil
		}
		return t, nil
	case "strmap":
		return map[string]string{"b": "2", "a": "1"}, nil
	case "strslice":
		return []string{"x", "y", "z"}, nil
	case "intslice":
		return []int{3, 1, 2}, nil
	}
	return nil, fmt.Errorf("unknown typed fixture %q", name)
}

// identifier matches every name a template could call.
var identifier = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

// newTemplate makes the case's template with the function set it asks for. Template.Funcs checks
// every function with reflect, which for sprig's ~200 costs more than most cases, so only the
// functions whose names occur in the template text are added: lookups by name behave the same.
func newTemplate(c testCase, funcs template.FuncMap) (*template.Template, error) {
	t := template.New(c.Name)
	set := c.Options.Funcs
	if set == "" || set == "builtins" {
		return t, nil
	}
	if funcs == nil {
		if set == "yaml" {
			return nil, errors.New("toYaml is not compiled in")
		}
		return nil, errors.New("sprig is not compiled in")
	}
	used := template.FuncMap{}
	for _, name := range identifier.FindAllString(c.Template, -1) {
		if f, ok := funcs[name]; ok {
			used[name] = f
		}
	}
	return t.Funcs(used), nil
}

func render(c testCase, funcs, yamlFns template.FuncMap) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	t, err := newTemplate(c, map[string]template.FuncMap{"sprig": funcs, "yaml": yamlFns}[c.Options.Funcs])
	if err != nil {
		return "", err
	}
	if c.Options.MissingKey != "" {
		t = t.Option("missingkey=" + c.Options.MissingKey)
	}
	if _, err := t.Parse(c.Template); err != nil {
		return "", err
	}
	var data interface{}
	if c.Typed != "" {
		data, err = typedFixture(c.Typed)
		if err != nil {
			return "", err
		}
	} else if len(c.Data) > 0 {
		if err := json.Unmarshal(c.Data, &data); err != nil {
			return "", err
		}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-names" {
		names := []string{}
		for name := range sprigFuncs() {
			names = append(names, name)
		}
		sort.Strings(names)
		_ = json.NewEncoder(os.Stdout).Encode(names)
		return
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if len(os.Args) > 1 && os.Args[1] == "-unmarshal" {
		var texts []string
		if err := json.Unmarshal(in, &texts); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		_ = json.NewEncoder(os.Stdout).Encode(unmarshalTexts(texts))
		return
	}
	var cases []testCase
	if err := json.Unmarshal(in, &cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	funcs := sprigFuncs()
	yamlFns := yamlFuncs()
	results := make([]result, len(cases))
	for i, c := range cases {
		out, err := render(c, funcs, yamlFns)
		if err != nil {
			msg := err.Error()
			results[i].Error = &msg
		} else {
			results[i].Output = &out
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Report which function sets were available, for the test's log.
	fmt.Fprintf(os.Stderr, "sprig=%v yaml=%v\n", funcs != nil, yamlFns != nil)
}
