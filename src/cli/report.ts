/**
 * Human-readable lines for results on stderr (kustomize shows only stderr, never results):
 * `Deployment shop/web: injected (namespace shop has istio-injection=enabled)`, with the
 * severity in front of warnings and errors and the field path and file when known.
 */
import type { Result } from '../results/result.js';
import { describeRef } from '../core/run.js';

export function formatResult(r: Result): string {
  const prefix = r.severity === 'info' ? '' : `${r.severity}: `;
  const where: string[] = [];
  if (r.field?.path) where.push(`field ${r.field.path}`);
  if (r.file?.path) where.push(`in ${r.file.path}${r.file.index ? ` (document ${r.file.index + 1})` : ''}`);
  const subject = r.resourceRef ? `${describeRef(r.resourceRef)}: ` : '';
  return `${prefix}${subject}${r.message}${where.length ? ` [${where.join(', ')}]` : ''}`;
}
