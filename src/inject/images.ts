/**
 * The proxy and proxy-init image references Istio computes before rendering (`ProxyImage`,
 * `ProxyInitImage`, `imageURL` in Istio's inject.go): `<global.hub>/<image>:<global.tag>`, with an
 * image type (variant) suffix on the tag. The image type is, in increasing precedence,
 * `global.variant`, then ProxyConfig `image.imageType` (proxy image only; a set `image` message
 * replaces the variant even when its type is empty), then the pod annotation
 * `sidecar.istio.io/proxyImageType`. A tag already ending in `-distroless` or `-debug` has that
 * suffix replaced; type `default` means no suffix.
 *
 * Not responsible for: the `sidecar.istio.io/proxyImage` annotation and full image names in
 * `global.proxy.image` (the template uses those verbatim when they contain a `/`; see the renderer).
 */
import type { JsonObject } from '../kube/types.js';
import { isObject } from '../kube/types.js';
import { Annotation } from '../kube/keys.js';
import { dig, goFloat } from './builtin/gosem.js';

export const ImageType = { default: 'default', distroless: 'distroless', debug: 'debug' } as const;

/** Image types Istio publishes; a tag ending in `-<type>` has it replaced. */
export const KNOWN_IMAGE_TYPES: readonly string[] = [ImageType.distroless, ImageType.debug];

/** Istio's `updateImageTypeIfPresent`. */
export function updateImageTypeIfPresent(tag: string, imageType: string): string {
  if (imageType === '') return tag;
  let t = tag;
  for (const known of KNOWN_IMAGE_TYPES) {
    if (t.endsWith(`-${known}`)) {
      t = t.slice(0, t.length - known.length - 1);
      break;
    }
  }
  if (imageType === ImageType.default) return t;
  return `${t}-${imageType}`;
}

/** Istio's `imageURL`. */
export function imageURL(hub: string, imageName: string, tag: string, imageType: string): string {
  return `${hub}/${imageName}:${updateImageTypeIfPresent(tag, imageType)}`;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** `global.tag` as Go prints it (`%v`: a number tag such as 1.28 stays `1.28`). */
function tagOf(values: JsonObject): string {
  const tag = dig(values, 'global.tag');
  if (typeof tag === 'string') return tag;
  if (typeof tag === 'number') return goFloat(tag);
  if (typeof tag === 'boolean') return String(tag);
  return '';
}

/** Istio's `ProxyImage(values, proxyConfig.image, annotations)`. */
export function proxyImage(values: JsonObject, proxyConfig: JsonObject, annotations: Record<string, string> | undefined): string {
  let imageType = str(dig(values, 'global.variant'));
  const image = proxyConfig.image;
  if (isObject(image ?? null)) imageType = str((image as JsonObject).imageType);
  const name = str(dig(values, 'global.proxy.image')) || 'proxyv2';
  const annotated = annotations?.[Annotation.proxyImageType];
  if (annotated !== undefined) imageType = annotated;
  return imageURL(str(dig(values, 'global.hub')), name, tagOf(values), imageType);
}

/** Istio's `ProxyInitImage(values, annotations)`. */
export function proxyInitImage(values: JsonObject, annotations: Record<string, string> | undefined): string {
  let imageType = str(dig(values, 'global.variant'));
  const name = str(dig(values, 'global.proxy_init.image')) || 'proxyv2';
  const annotated = annotations?.[Annotation.proxyImageType];
  if (annotated !== undefined) imageType = annotated;
  return imageURL(str(dig(values, 'global.hub')), name, tagOf(values), imageType);
}
