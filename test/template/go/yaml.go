package main

import (
	"encoding/json"
	"text/template"

	"sigs.k8s.io/yaml"
)

// toYaml is Istio's injection-template toYaml: sigs.k8s.io/yaml.Marshal (JSON round trip, then
// go-yaml v2), the string kept with its trailing newline, "" when marshalling fails.
func yamlFuncs() template.FuncMap {
	return template.FuncMap{
		"toYaml": func(v interface{}) string {
			b, err := yaml.Marshal(v)
			if err != nil {
				return ""
			}
			return string(b)
		},
	}
}

// unmarshalTexts reads each text as Istio reads template output (sigs.k8s.io/yaml.Unmarshal into
// interface{}: go-yaml v2, then JSON) and returns the JSON text of the value, or the error.
func unmarshalTexts(texts []string) []result {
	results := make([]result, len(texts))
	for i, t := range texts {
		var v interface{}
		if err := yaml.Unmarshal([]byte(t), &v); err != nil {
			msg := err.Error()
			results[i].Error = &msg
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			msg := err.Error()
			results[i].Error = &msg
			continue
		}
		out := string(b)
		results[i].Output = &out
	}
	return results
}
