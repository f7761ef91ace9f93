/**
 * Builds the data a sidecar template renders from (Istio's `SidecarTemplateData`), for one pod
 * template, the way `istioctl kube-inject` fills it: the workload's own apiVersion/kind and
 * name/namespace (for a bare Pod, what `GetDeployMetaFromPod` derives), the effective ProxyConfig,
 * the proxy images, the proxy UID/GID (1337, or the top of an OpenShift namespace's ranges), the
 * inbound traffic policy mode, the revision and the cluster-level native-sidecar switch. It first
 * validates the pod's annotations as Istio's `RunTemplate` does.
 *
 * Not responsible for: stripping a previous injection (the caller passes the stripped pod), the
 * per-pod `sidecar.istio.io/nativeSidecar` override (the template or renderer applies it), or
 * anything after rendering.
 */
import type { ObjectMeta, PodTemplate } from '../kube/types.js';
import { Annotation, Label } from '../kube/keys.js';
import type { InjectorSettings, SidecarTemplateData, WorkloadMeta } from './types.js';
import { effectiveProxyConfig, proxyConfigToJSON } from './proxyconfig.js';
import { proxyImage, proxyInitImage } from './images.js';
import { validateAnnotations } from './validate.js';

/** Istio's `DefaultSidecarProxyUID` / GID. */
export const DEFAULT_PROXY_UID = 1337;
export const DEFAULT_PROXY_GID = 1337;

export interface BuildTemplateDataArgs {
  /** The pod template, already stripped of a previous injection. */
  pod: PodTemplate;
  workload: WorkloadMeta;
  settings: InjectorSettings;
  /** Annotations of the workload's namespace (OpenShift UID/GID ranges). */
  namespaceAnnotations?: Record<string, string>;
  /** `openshift` turns on the OpenShift UID/GID ranges. */
  platform?: string;
}

const CRONJOB_NAME = /^(.+)-[0-9]{8,10}$/;

interface OwnerRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
  controller?: boolean;
}

function trimSuffix(s: string, suffix: string): string {
  return s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
}

/** Istio's `kube.GetDeployMetaFromPod`: the owning workload's identity as seen from a pod. */
export function getDeployMetaFromPod(meta: ObjectMeta | undefined): {
  deploymentMeta: { name: string; namespace: string };
  typeMeta: { apiVersion: string; kind: string };
} {
  const m = meta ?? {};
  const deploymentMeta = { name: '', namespace: m.namespace ?? '' };
  const typeMeta = { apiVersion: 'v1', kind: 'Pod' };
  const labels = m.labels ?? {};
  if (m.generateName) {
    const ref = ((m.ownerReferences ?? []) as OwnerRef[]).find((r) => r.controller === true);
    if (ref) {
      typeMeta.apiVersion = ref.apiVersion ?? '';
      typeMeta.kind = ref.kind ?? '';
      deploymentMeta.name = ref.name ?? '';
      const hash = labels[Label.podTemplateHash] ?? '';
      const rolloutHash = labels[Label.rolloutsPodTemplateHash] ?? '';
      if (typeMeta.kind === 'ReplicaSet' && hash !== '' && deploymentMeta.name.endsWith(hash)) {
        deploymentMeta.name = trimSuffix(deploymentMeta.name, `-${hash}`);
        typeMeta.kind = 'Deployment';
        typeMeta.apiVersion = 'apps/v1';
      } else if (typeMeta.kind === 'ReplicaSet' && rolloutHash !== '' && deploymentMeta.name.endsWith(rolloutHash)) {
        deploymentMeta.name = trimSuffix(deploymentMeta.name, `-${rolloutHash}`);
        typeMeta.kind = 'Rollout';
        typeMeta.apiVersion = 'v1alpha1';
      } else if (typeMeta.kind === 'ReplicationController' && (labels[Label.deploymentConfig] ?? '') !== '') {
        deploymentMeta.name = labels[Label.deploymentConfig]!;
        typeMeta.kind = 'DeploymentConfig';
        typeMeta.apiVersion = 'v1';
      } else if (typeMeta.kind === 'Job') {
        const jn = CRONJOB_NAME.exec(deploymentMeta.name);
        if (jn) {
          deploymentMeta.name = jn[1]!;
          typeMeta.kind = 'CronJob';
          typeMeta.apiVersion = 'batch/v1';
        }
      }
    }
  }
  if (deploymentMeta.name === '') deploymentMeta.name = m.name ?? '';
  return { deploymentMeta, typeMeta };
}

/** The top of the first block of an OpenShift range (`start/size` or `start-end`), if it parses. */
export function openShiftRangeMax(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const first = value.split(',')[0]!.trim();
  let m = /^([0-9]+)\/([0-9]+)$/.exec(first);
  if (m) {
    const size = Number(m[2]);
    return size > 0 ? Number(m[1]) + size - 1 : undefined;
  }
  m = /^([0-9]+)-([0-9]+)$/.exec(first);
  if (m && Number(m[2]) >= Number(m[1])) return Number(m[2]);
  return undefined;
}

/** Istio's `GetProxyIDs`: 1337/1337, or the top of the namespace's OpenShift ranges. */
export function proxyIDs(platform: string | undefined, namespaceAnnotations: Record<string, string> | undefined): { uid: number; gid: number } {
  if (platform !== 'openshift' || !namespaceAnnotations) return { uid: DEFAULT_PROXY_UID, gid: DEFAULT_PROXY_GID };
  return {
    uid: openShiftRangeMax(namespaceAnnotations[Annotation.openshiftUidRange]) ?? DEFAULT_PROXY_UID,
    gid: openShiftRangeMax(namespaceAnnotations[Annotation.openshiftSupplementalGroups]) ?? DEFAULT_PROXY_GID,
  };
}

/** Builds `SidecarTemplateData` for one (stripped) pod template; throws `UserError` on bad annotations. */
export function buildTemplateData(args: BuildTemplateDataArgs): SidecarTemplateData {
  const { pod, workload, settings } = args;
  const objectMeta: ObjectMeta = pod.metadata ?? {};
  const annotations = objectMeta.annotations;
  validateAnnotations(annotations);

  let typeMeta = { apiVersion: workload.apiVersion, kind: workload.kind };
  let deploymentMeta = { name: workload.name, namespace: workload.namespace };
  if (workload.kind === 'Pod') {
    const podMeta: ObjectMeta = {
      ...objectMeta,
      name: objectMeta.name || workload.name,
      namespace: objectMeta.namespace || workload.namespace,
    };
    ({ typeMeta, deploymentMeta } = getDeployMetaFromPod(podMeta));
  }

  // The settings derived what a pod without overriding annotations gets (settings.ts).
  const defaults = settings.pod;
  const proxyConfig = effectiveProxyConfig(defaults.proxyConfig, annotations);
  const ownImages = proxyConfig !== defaults.proxyConfig || annotations?.[Annotation.proxyImageType] !== undefined;
  const ids = proxyIDs(args.platform, args.namespaceAnnotations);
  return {
    typeMeta,
    deploymentMeta,
    objectMeta,
    spec: pod.spec,
    proxyConfig,
    proxyConfigJSON: proxyConfig === defaults.proxyConfig ? defaults.proxyConfigJSON : proxyConfigToJSON(proxyConfig),
    meshConfig: settings.meshConfig,
    values: settings.values,
    revision: settings.revision,
    nativeSidecars: settings.nativeSidecars,
    proxyImage: ownImages ? proxyImage(settings.values, proxyConfig, annotations) : defaults.proxyImage,
    proxyInitImage: ownImages ? proxyInitImage(settings.values, annotations) : defaults.proxyInitImage,
    proxyUID: ids.uid,
    proxyGID: ids.gid,
    inboundTrafficPolicyMode: defaults.inboundTrafficPolicyMode,
    compliancePolicy: settings.compliancePolicy,
  };
}
