// Command validate decodes Kubernetes manifests strictly against the API types of the Kubernetes
// version pinned in go.mod (k8s.io/api v0.<minor>.x is Kubernetes 1.<minor>). It reads a stream of
// YAML documents from stdin, as `kustomize build` prints them, and fails on any document whose
// apiVersion/kind that version does not serve, or that has a field the type does not define
// (misspelt, misplaced or removed), a value of the wrong type, or a field given twice.
//
// Usage: kustomize build overlays/irsa | go run . [-name overlays/irsa]
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// The API groups a workload of this repository may use. A kind outside them is refused rather than
// passed unchecked: add its group here when a manifest needs it.
var groups = []func(*runtime.Scheme) error{
	corev1.AddToScheme,
	appsv1.AddToScheme,
	batchv1.AddToScheme,
	networkingv1.AddToScheme,
	policyv1.AddToScheme,
	rbacv1.AddToScheme,
}

func main() {
	name := flag.String("name", "stdin", "what the documents are, for messages")
	flag.Parse()
	scheme := runtime.NewScheme()
	for _, add := range groups {
		if err := add(scheme); err != nil {
			fail("registering API types: %v", err)
		}
	}
	decoder := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()

	reader := utilyaml.NewYAMLReader(bufio.NewReader(os.Stdin))
	var problems []error
	count := 0
	for {
		document, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fail("%s: reading YAML: %v", *name, err)
		}
		json, err := yaml.YAMLToJSONStrict(document)
		if err != nil {
			problems = append(problems, fmt.Errorf("document %d: %v", count+1, err))
			count++
			continue
		}
		if string(json) == "null" {
			continue // an empty document between separators
		}
		count++
		if _, gvk, err := decoder.Decode(json, nil, nil); err != nil {
			what := fmt.Sprintf("document %d", count)
			if gvk != nil {
				what = fmt.Sprintf("document %d (%s)", count, gvk.String())
			}
			problems = append(problems, fmt.Errorf("%s: %v", what, err))
		}
	}
	if count == 0 {
		fail("%s: no documents", *name)
	}
	for _, problem := range problems {
		fmt.Fprintf(os.Stderr, "%s: %v\n", *name, problem)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Printf("%s: %d documents valid\n", *name, count)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(2)
}
