/**
 * The one way a fast path of the YAML layer (the fast readers, the text patcher, the scalar
 * resolvers they call) says "this text is outside what I handle": it throws a `Bail`, a small
 * object with a reason and no stack trace, and the entry point that started it (`attempt`) turns
 * that into the `BAIL` value, after which the caller takes the general path through `yaml`, which
 * is the authority for values and for error messages. A fast path never reports a user error
 * itself, and any other exception stays what it is: a bug.
 */

/** Returned by a fast path that does not handle its input; the caller takes the `yaml` path. */
export const BAIL: unique symbol = Symbol('fast path: not handled');

/** What a fast path throws to give up; `reason` is for tests and benchmarks. */
export class Bail {
  constructor(readonly reason: string) {}
}

/** Gives up the fast path (see `attempt`). */
export function bail(reason: string): never {
  throw new Bail(reason);
}

/**
 * Runs a fast path: its result, or `BAIL` when it gave up (`onBail` then hears why).
 * Exceptions other than a `Bail` go through.
 */
export function attempt<T>(run: () => T, onBail?: (reason: string) => void): T | typeof BAIL {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof Bail)) throw e;
    onBail?.(e.reason);
    return BAIL;
  }
}
