/**
 * The KRM Result model (functions spec "Result"): what the function tells the user about a
 * resource. User problems are results, never exceptions; exceptions are bugs.
 */
import type { ResourceRef } from '../kube/types.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Result {
  message: string;
  severity: Severity;
  resourceRef?: ResourceRef;
  field?: { path: string; currentValue?: unknown; proposedValue?: unknown };
  file?: { path: string; index?: number };
  tags?: Record<string, string>;
}

/**
 * A user-facing problem found while processing one resource. Thrown inside the core and turned
 * into an error Result at the workload boundary; carries a field path relative to the resource.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly fieldPath?: string,
    readonly code: string = 'invalid',
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function hasErrors(results: readonly Result[]): boolean {
  return results.some((r) => r.severity === 'error');
}
