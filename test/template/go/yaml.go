package main

import (
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
