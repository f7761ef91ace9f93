//go:build !yaml

package main

import "text/template"

func yamlFuncs() template.FuncMap { return nil }
