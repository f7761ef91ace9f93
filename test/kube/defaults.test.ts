import { describe, expect, it } from 'vitest';
import { storedContainer, storedVolume } from '../../src/kube/defaults.js';

describe('the API server defaults a live pod carries', () => {
  it('container: pull policy by tag, termination message, port protocol, env field refs, probes, canonical quantities', () => {
    const pull = (image: string) => storedContainer({ name: 'c', image }).imagePullPolicy;
    expect([
      pull('proxyv2'),
      pull('docker.io/istio/proxyv2:latest'),
      pull('docker.io/istio/proxyv2:1.28.0'),
      pull('registry:5000/proxyv2'),
      pull('proxyv2@sha256:abc'),
    ]).toEqual(['Always', 'Always', 'IfNotPresent', 'Always', 'IfNotPresent']);
    const c = storedContainer({
      name: 'istio-proxy',
      image: 'proxyv2:1.28.0',
      imagePullPolicy: 'Never',
      ports: [
        { containerPort: 15090, name: 'http-envoy-prom' },
        { containerPort: 53, protocol: 'UDP' },
      ],
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1000m' } } },
      ],
      readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15 },
      resources: { limits: { cpu: '2000m', memory: '1024Mi' }, requests: { cpu: 0.1 } },
    });
    expect(c).toEqual({
      name: 'istio-proxy',
      image: 'proxyv2:1.28.0',
      imagePullPolicy: 'Never',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ports: [
        { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
        { containerPort: 53, protocol: 'UDP' },
      ],
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } },
        { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
      ],
      readinessProbe: {
        httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
        periodSeconds: 15,
        timeoutSeconds: 1,
        successThreshold: 1,
        failureThreshold: 3,
      },
      resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m' } },
    });
  });

  it('volumes: default modes and field refs; the input is not changed', () => {
    const input = {
      name: 'istio-podinfo',
      downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
    };
    expect(storedVolume(input)).toEqual({
      name: 'istio-podinfo',
      downwardAPI: { defaultMode: 420, items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels', apiVersion: 'v1' } }] },
    });
    expect(input.downwardAPI).not.toHaveProperty('defaultMode');
    expect(storedVolume({ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'istio-token', audience: 'istio-ca' } }] } })).toEqual({
      name: 't',
      projected: { defaultMode: 420, sources: [{ serviceAccountToken: { path: 'istio-token', audience: 'istio-ca', expirationSeconds: 3600 } }] },
    });
    expect(storedVolume({ name: 'e', emptyDir: { medium: 'Memory' } })).toEqual({ name: 'e', emptyDir: { medium: 'Memory' } });
  });
});
