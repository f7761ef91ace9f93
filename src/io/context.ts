/**
 * What one run of the I/O layer owns, made by the caller and passed to the readers
 * (`ReadOptions.io`): the switches tests flip to compare the fast paths with `yaml` (text patching,
 * JSON reading), the patcher's counters, the printed one-line strings the patcher remembers, and
 * where held output is kept (a TextStore).
 * Every resource read in a run keeps its run's context (through its `SourceText`), so a run never
 * sees another's switches or caches. A reader given no context makes one of its own.
 */
import { BoundedMemo, detachString } from '../kube/types.js';

export interface IoOptions {
  /** Changed resources are written by patching their text (patch.ts); off: re-printed through `yaml`. */
  textPatching?: boolean;
  /** JSON input is read with JSON.parse where it gives what `yaml` gives (json-read.ts); off: `yaml`. */
  jsonReading?: boolean;
  /**
   * A stream's `kind: List` is given to the run item by item where the reader asks for it
   * (`ReadOptions.listItems`, list-document.ts); off: one resource for the whole document.
   */
  listItems?: boolean;
  /** Where held output goes (see TextStore); in memory when not given. */
  store?: TextStore;
}

/** A text put in a TextStore: only the store that made it reads it. */
export type TextRef = object;

/**
 * Where the I/O layer keeps text it holds until the output is written (the printed text of a
 * changed resource that was let go, stream mode: nothing is written before every document went
 * well): `put` gives a ref, `get` the same text back, as many times as asked. The I/O layer
 * touches no files; the CLI gives a store backed by a temporary file for a large run.
 */
export interface TextStore {
  put(text: string): TextRef;
  get(ref: TextRef): string;
}

/** Keeps the texts in the heap. */
export class MemoryTextStore implements TextStore {
  put(text: string): TextRef {
    return { text };
  }

  get(ref: TextRef): string {
    return (ref as { text: string }).text;
  }
}

/** How often the patcher wrote a changed resource and how often it left it to `yaml`. */
export interface PatchStats {
  patched: number;
  bailed: number;
}

/** Strings longer than this are printed each time, not remembered. */
export const MAX_REMEMBERED_LENGTH = 512;
/** A map of printed strings is emptied when it holds more than this many. */
export const MAX_REMEMBERED = 10000;

/**
 * The text `yaml` prints for short one-line strings, as values and as keys: most of a sidecar's
 * strings come back for every workload. At most MAX_REMEMBERED of each.
 */
export class PrintedScalars {
  private readonly values = new BoundedMemo<string>(MAX_REMEMBERED);
  private readonly keys = new BoundedMemo<string>(MAX_REMEMBERED);

  /** The printed text of `v`, made with `print` the first time. */
  get(v: string, key: boolean, print: (v: string) => string): string {
    if (v.length > MAX_REMEMBERED_LENGTH) return print(v);
    // A string read from a larger text may be a slice that keeps all of that text alive (V8's
    // sliced strings): a template's whole output per remembered name. The memo keeps copies.
    return (key ? this.keys : this.values).get(v, (own) => {
      const out = print(own);
      return out === own ? own : detachString(out);
    });
  }

  /** How many printed strings are remembered (values and keys). */
  get size(): number {
    return this.values.size + this.keys.size;
  }
}

export class IoContext {
  readonly textPatching: boolean;
  readonly jsonReading: boolean;
  readonly listItems: boolean;
  readonly patchStats: PatchStats = { patched: 0, bailed: 0 };
  readonly printed = new PrintedScalars();
  readonly store: TextStore;

  constructor(options: IoOptions = {}) {
    this.textPatching = options.textPatching ?? true;
    this.jsonReading = options.jsonReading ?? true;
    this.listItems = options.listItems ?? true;
    this.store = options.store ?? new MemoryTextStore();
  }
}
