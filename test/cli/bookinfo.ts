/**
 * Bookinfo-like manifests written for these tests (shaped like the samples users start from:
 * no metadata.namespace, a Service and a ServiceAccount beside each Deployment).
 */
export function app(name: string, version = 'v1', extra = ''): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  ports:
  - port: 9080
    name: http
  selector:
    app: ${name}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: bookinfo-${name}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}-${version}
  labels:
    app: ${name}
    version: ${version}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
      version: ${version}
  template:
    metadata:
      labels:
        app: ${name}
        version: ${version}${extra}
    spec:
      serviceAccountName: bookinfo-${name}
      containers:
      - name: ${name}
        image: docker.io/example/bookinfo-${name}-${version}:1.20.2
        ports:
        - containerPort: 9080
`;
}

/** Two apps in one stream, as one sample file. */
export const bookinfo = `${app('details')}---\n${app('ratings')}`;

export const namespaceObject = (name: string, labels = 'istio-injection: enabled') => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
    ${labels}
`;
