// Command regexp-oracle answers regular-expression cases with Go's regexp package, for the
// differential test of the TypeScript port (test/template/regexp/differential.test.ts).
// Standard library only. Reads a JSON array of cases on stdin and writes a JSON array of
// results (one per case, in order) on stdout.
package main

import (
	"encoding/json"
	"os"
	"regexp"
)

type testCase struct {
	Pattern string `json:"pattern"`
	Input   string `json:"input"`
	Repl    string `json:"repl"`
	N       int    `json:"n"`
}

type result struct {
	Error       *string    `json:"error,omitempty"`
	Match       bool       `json:"match"`
	Find        string     `json:"find"`
	FindIndex   []int      `json:"findIndex"`
	FindAll     []string   `json:"findAll"`
	Submatch    []string   `json:"submatch"`
	AllSubmatch [][]string `json:"allSubmatch"`
	Replace     string     `json:"replace"`
	Literal     string     `json:"literal"`
	Split       []string   `json:"split"`
	NumSubexp   int        `json:"numSubexp"`
	Names       []string   `json:"names"`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
	out := make([]result, len(cases))
	for i, c := range cases {
		re, err := regexp.Compile(c.Pattern)
		if err != nil {
			msg := err.Error()
			out[i] = result{Error: &msg}
			continue
		}
		r := &out[i]
		r.Match = re.MatchString(c.Input)
		r.Find = re.FindString(c.Input)
		if idx := re.FindStringIndex(c.Input); idx != nil {
			// Byte offsets into UTF-8; the test compares the text before and inside the match.
			r.FindIndex = []int{len([]rune(c.Input[:idx[0]])), len([]rune(c.Input[:idx[1]]))}
		}
		r.FindAll = re.FindAllString(c.Input, c.N)
		r.Submatch = re.FindStringSubmatch(c.Input)
		r.AllSubmatch = re.FindAllStringSubmatch(c.Input, c.N)
		r.Replace = re.ReplaceAllString(c.Input, c.Repl)
		r.Literal = re.ReplaceAllLiteralString(c.Input, c.Repl)
		r.Split = re.Split(c.Input, c.N)
		r.NumSubexp = re.NumSubexp()
		r.Names = re.SubexpNames()
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
}
