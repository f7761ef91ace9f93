/**
 * The execution budget of one template execution: work (steps) and memory (bytes allocated by
 * function results). The evaluator (`exec.ts`) opens a budget for each execution and charges its
 * own steps; the function libraries charge the work and the allocations they do through
 * `chargeSteps` / `chargeBytes`, which act on the budget of the execution that is running (an
 * execution is synchronous, so there is exactly one). Outside an execution (a function called
 * directly, e.g. in a unit test) the charges are free.
 *
 * Exceeding a bound throws `BudgetExceeded`; the evaluator turns it into Go's execution error at
 * the node being evaluated (`template: NAME:LINE:COL: executing "NAME" at <...>: ...`).
 */

/** Counters and bounds of one execution. */
export interface Budget {
  steps: number;
  bytes: number;
  readonly maxSteps: number;
  readonly maxBytes: number;
}

/** A bound of the budget was passed (not a Go error: the template cannot recover from it). */
export class BudgetExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetExceeded';
  }
}

let active: Budget | undefined;

export function stepsExceeded(b: Budget): BudgetExceeded {
  return new BudgetExceeded(`execution steps exceed the limit of ${b.maxSteps}`);
}

/** Charges `n` steps of work to the running execution. */
export function chargeSteps(n: number): void {
  const b = active;
  if (b === undefined) return;
  b.steps += n;
  if (b.steps > b.maxSteps) throw stepsExceeded(b);
}

/** Charges `n` bytes allocated (a string counts its length, a list 8 bytes per element). */
export function chargeBytes(n: number): void {
  const b = active;
  if (b === undefined) return;
  b.bytes += n;
  if (b.bytes > b.maxBytes) throw new BudgetExceeded(`allocations exceed the limit of ${b.maxBytes} bytes`);
}

/** Runs `f` with `b` as the budget charged by `chargeSteps` / `chargeBytes`. */
export function withBudget<T>(b: Budget, f: () => T): T {
  const outer = active;
  active = b;
  try {
    return f();
  } finally {
    active = outer;
  }
}
