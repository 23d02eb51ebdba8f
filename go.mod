module github.com/sparkmock/sparkmock

go 1.26

require (
	github.com/brianvoe/gofakeit/v6 v6.28.0
	github.com/getkin/kin-openapi v0.153.0
	go.yaml.in/yaml/v4 v4.0.0
)

require (
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/stretchr/testify v1.11.1 // indirect
	golang.org/x/text v0.40.0 // indirect
)
