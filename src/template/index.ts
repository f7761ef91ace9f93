/**
 * The public face of the Go `text/template` port: `new Template(name, { funcs, missingKey })
 * .parse(text)` once, then `.execute(data)` per workload. Errors are `TemplateParseError` and
 * `TemplateExecError` (both `TemplateError`s), with Go's exact messages. Re-exports only; no logic.
 */
import { TemplateExecError } from './exec.js';
import { TemplateParseError } from './parse/parse.js';

export { Template, type TemplateOptions } from './template.js';
export { TemplateExecError, DEFAULT_LIMITS, type ExecLimits, type ExecUsage, type MissingKey } from './exec.js';
export { TemplateParseError } from './parse/parse.js';
export { BUILTINS } from './funcs/builtins.js';
export * from './funcs/types.js';
export * from './value.js';
export { sprintf, sprint, sprintln, quoteGo, formatFloat } from './fmt.js';

/** Any error the engine reports for a template (parse or execution). */
export type TemplateError = TemplateParseError | TemplateExecError;

export function isTemplateError(e: unknown): e is TemplateError {
  return e instanceof TemplateParseError || e instanceof TemplateExecError;
}
