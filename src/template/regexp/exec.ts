/**
 * A port of Go's `regexp` NFA matcher (the "Pike VM" of `exec.go`): all threads advance in lock
 * step over the input, one rune at a time, in priority order, so the time is O(len(input) ×
 * len(prog)) whatever the pattern and the answer is Go's leftmost-first match with its
 * submatches. Positions are UTF-16 indices; runes are decoded from the string as Go decodes
 * UTF-8 (a lone surrogate reads as U+FFFD, one unit wide). Every instruction visit (and every
 * copy of a thread's captures) counts against a budget (`MAX_STEPS` per call of the public API),
 * and the capture arrays of live threads against `MAX_CAPTURE_SLOTS`, so even the linear worst
 * case ends with an error instead of taking minutes or gigabytes.
 */
import {
  EmptyBeginLine,
  EmptyBeginText,
  EmptyEndLine,
  EmptyEndText,
  EmptyNoWordBoundary,
  EmptyWordBoundary,
  InstAlt,
  InstAltMatch,
  InstCapture,
  InstEmptyWidth,
  InstFail,
  InstMatch,
  InstNop,
  InstRune,
  InstRune1,
  InstRuneAny,
  InstRuneAnyNotNL,
  type Inst,
  type Prog,
} from './compile.js';
import { foldOrbit } from './unicode.js';

/** Instruction visits allowed per call (`MatchString`, `FindAllString`, `ReplaceAllString`, ...). */
export const MAX_STEPS = 50_000_000;

/**
 * Capture positions (slots) that the live threads of one call may hold at once: threads × slots
 * per thread, e.g. 4,000 threads of a pattern with 500 groups.
 */
export const MAX_CAPTURE_SLOTS = 4_000_000;

/** The step budget (or the capture memory) of one call ran out. */
export class StepLimitError extends Error {
  constructor(
    readonly limit: number,
    what = 'steps',
  ) {
    super(`regexp: matching needs more than ${limit} ${what} (pattern too large for this input)`);
    this.name = 'StepLimitError';
  }
}

/**
 * Instruction visits allowed across all the calls made under one shared budget
 * (`withSharedBudget`): the template functions share one per function map, i.e. per run.
 */
export const MAX_SHARED_STEPS = 200_000_000;

/** A step budget: of the matches of one API call, or shared by many calls (`withSharedBudget`). */
export class Budget {
  private left: number;
  constructor(
    private readonly limit: number,
    private readonly what = 'steps',
  ) {
    this.left = limit;
  }
  spend(n: number): void {
    this.left -= n;
    if (this.left < 0) throw new StepLimitError(this.limit, this.what);
    if (shared !== undefined && shared !== this) shared.spend(n);
  }
}

/** The budget every call made inside `withSharedBudget` also spends from. */
let shared: Budget | undefined;

/** Runs `f` (synchronously) with every regexp step also charged to `budget`. */
export function withSharedBudget<T>(budget: Budget, f: () => T): T {
  const prev = shared;
  shared = budget;
  try {
    return f();
  } finally {
    shared = prev;
  }
}

const endOfText = -1;

/** The width of the rune `runeAt` decoded last. */
let runeWidth = 0;

/** The rune at `pos` (-1 at the end); its width in UTF-16 units goes to `runeWidth`. */
function runeAt(s: string, pos: number): number {
  if (pos >= s.length) {
    runeWidth = 0;
    return endOfText;
  }
  const c = s.charCodeAt(pos);
  runeWidth = 1;
  if (c < 0xd800 || c > 0xdfff) return c;
  if (c <= 0xdbff && pos + 1 < s.length) {
    const d = s.charCodeAt(pos + 1);
    if (d >= 0xdc00 && d <= 0xdfff) {
      runeWidth = 2;
      return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
    }
  }
  return 0xfffd;
}

/** The rune at `pos` and its width in UTF-16 units ([-1, 0] at the end). */
export function step(s: string, pos: number): [number, number] {
  const r = runeAt(s, pos);
  return [r, runeWidth];
}

/** The rune before `pos` (-1 at the start). */
function runeBefore(s: string, pos: number): number {
  if (pos <= 0) return endOfText;
  const c = s.charCodeAt(pos - 1);
  if (c >= 0xdc00 && c <= 0xdfff && pos >= 2) {
    const h = s.charCodeAt(pos - 2);
    if (h >= 0xd800 && h <= 0xdbff) return (h - 0xd800) * 0x400 + (c - 0xdc00) + 0x10000;
  }
  return c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
}

/** Go's `syntax.IsWordChar`: ASCII word characters only. */
function isWordChar(r: number): boolean {
  return (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || (r >= 0x30 && r <= 0x39) || r === 0x5f;
}

/** Go's `syntax.EmptyOpContext`: the conditions that hold between runes r1 and r2. */
function emptyOpContext(r1: number, r2: number): number {
  let op = EmptyNoWordBoundary;
  let boundary = 0;
  if (isWordChar(r1)) boundary = 1;
  else if (r1 === 10) op |= EmptyBeginLine;
  else if (r1 < 0) op |= EmptyBeginText | EmptyBeginLine;
  if (isWordChar(r2)) boundary ^= 1;
  else if (r2 === 10) op |= EmptyEndLine;
  else if (r2 < 0) op |= EmptyEndText | EmptyEndLine;
  if (boundary !== 0) op ^= EmptyWordBoundary | EmptyNoWordBoundary;
  return op;
}

function matchRune(i: Inst, r: number): boolean {
  const rune = i.rune;
  if (i.fold) {
    const r0 = rune[0] as number;
    return r === r0 || (foldOrbit(r0)?.includes(r) ?? false);
  }
  let lo = 0;
  let hi = rune.length >> 1;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if ((rune[2 * m] as number) <= r) {
      if (r <= (rune[2 * m + 1] as number)) return true;
      lo = m + 1;
    } else hi = m;
  }
  return false;
}

interface Thread {
  inst: Inst;
  cap: number[];
}

class Queue {
  readonly sparse: Uint32Array;
  readonly densePc: number[] = [];
  readonly denseT: Array<Thread | undefined> = [];
  constructor(n: number) {
    this.sparse = new Uint32Array(n);
  }
  has(pc: number): boolean {
    const j = this.sparse[pc] as number;
    return j < this.densePc.length && this.densePc[j] === pc;
  }
  clear(): void {
    this.densePc.length = 0;
    this.denseT.length = 0;
  }
}

/** One matcher per program and capture count, reused across calls of one API call. */
export class Machine {
  private readonly q0: Queue;
  private readonly q1: Queue;
  private pool: Thread[] = [];
  private matched = false;
  private matchcap: number[];
  private readonly stack: number[] = [];
  private readonly restore: number[] = [];

  constructor(
    private readonly prog: Prog,
    private readonly cond: number,
    private readonly ncap: number,
    private readonly budget: Budget,
  ) {
    this.q0 = new Queue(prog.inst.length);
    this.q1 = new Queue(prog.inst.length);
    this.matchcap = new Array<number>(ncap).fill(-1);
  }

  private slots = 0;

  private alloc(i: Inst): Thread {
    const t = this.pool.pop();
    if (t) {
      t.inst = i;
      return t;
    }
    this.slots += this.ncap;
    if (this.slots > MAX_CAPTURE_SLOTS) throw new StepLimitError(MAX_CAPTURE_SLOTS, 'capture slots');
    return { inst: i, cap: new Array<number>(this.ncap).fill(-1) };
  }

  /**
   * Searches `s` from `pos` for the leftmost-first match; returns the capture positions
   * (length ncap, -1 for unset) or undefined. With ncap 0 it only answers whether there is one.
   */
  match(s: string, pos: number): number[] | undefined {
    if (this.cond === -1) return undefined;
    this.matched = false;
    this.matchcap.fill(-1);
    let runq = this.q0;
    let nextq = this.q1;
    let r = runeAt(s, pos);
    let width = runeWidth;
    let r1 = endOfText;
    let width1 = 0;
    if (r !== endOfText) {
      r1 = runeAt(s, pos + width);
      width1 = runeWidth;
    }
    let flag = pos === 0 ? emptyOpContext(-1, r) : emptyOpContext(runeBefore(s, pos), r);
    for (;;) {
      if (runq.densePc.length === 0) {
        if (this.cond & EmptyBeginText && pos !== 0) break;
        if (this.matched) break;
      }
      if (!this.matched) {
        if (this.ncap > 0) this.matchcap[0] = pos;
        this.add(runq, this.prog.start, pos, this.matchcap, flag, undefined);
      }
      flag = emptyOpContext(r, r1);
      this.step(runq, nextq, pos, pos + width, r, flag);
      if (width === 0) break;
      if (this.ncap === 0 && this.matched) break;
      pos += width;
      r = r1;
      width = width1;
      if (r !== endOfText) {
        r1 = runeAt(s, pos + width);
        width1 = runeWidth;
      }
      const tmp = runq;
      runq = nextq;
      nextq = tmp;
    }
    this.clearQueue(nextq);
    this.clearQueue(runq);
    return this.matched ? this.matchcap.slice() : undefined;
  }

  private clearQueue(q: Queue): void {
    for (const t of q.denseT) if (t) this.pool.push(t);
    q.clear();
  }

  private step(runq: Queue, nextq: Queue, pos: number, nextPos: number, c: number, nextCond: number): void {
    const n = runq.densePc.length;
    this.budget.spend(n + 1);
    for (let j = 0; j < runq.densePc.length; j++) {
      let t = runq.denseT[j];
      if (!t) continue;
      const i = t.inst;
      let add = false;
      switch (i.op) {
        case InstMatch:
          if (this.ncap > 0) {
            t.cap[1] = pos;
            for (let k = 0; k < this.ncap; k++) this.matchcap[k] = t.cap[k] as number;
          }
          // Leftmost-first: lower-priority threads are cut.
          for (let k = j + 1; k < runq.denseT.length; k++) {
            const d = runq.denseT[k];
            if (d) this.pool.push(d);
          }
          runq.densePc.length = 0;
          runq.denseT.length = 0;
          this.matched = true;
          break;
        case InstRune:
          add = matchRune(i, c);
          break;
        case InstRune1:
          add = c === i.rune[0];
          break;
        case InstRuneAny:
          add = true;
          break;
        case InstRuneAnyNotNL:
          add = c !== 10;
          break;
        default:
          throw new Error('regexp: bad instruction in step');
      }
      if (add) t = this.add(nextq, i.out, nextPos, t.cap, nextCond, t);
      if (t) this.pool.push(t);
    }
    runq.clear();
  }

  /** Follows empty transitions from pc, adding runnable threads to q in priority order. */
  private add(q: Queue, pc: number, pos: number, cap: number[], cond: number, t: Thread | undefined): Thread | undefined {
    // An explicit stack replaces Go's recursion (programs can be deep); each entry is either a
    // pc to explore or a capture slot to restore.
    const stack = this.stack;
    const restore = this.restore;
    stack.length = 0;
    restore.length = 0;
    stack.push(pc);
    let visits = 0;
    while (stack.length > 0) {
      let p = stack.pop() as number;
      if (p < 0) {
        // Restore capture slot: encoded as -(slot + 1), old value in `restore`.
        cap[-p - 1] = restore.pop() as number;
        continue;
      }
      for (;;) {
        if (p === 0) break;
        if (q.has(p)) break;
        visits++;
        const j = q.densePc.length;
        q.densePc.push(p);
        q.denseT.push(undefined);
        q.sparse[p] = j;
        const i = this.prog.inst[p] as Inst;
        let next = -1;
        switch (i.op) {
          case InstFail:
            break;
          case InstAlt:
          case InstAltMatch:
            // Explore out first, then arg.
            stack.push(i.arg);
            next = i.out;
            break;
          case InstEmptyWidth:
            if ((i.arg & ~cond) === 0) next = i.out;
            break;
          case InstNop:
            next = i.out;
            break;
          case InstCapture:
            if (i.arg < cap.length) {
              stack.push(-(i.arg + 1));
              restore.push(cap[i.arg] as number);
              cap[i.arg] = pos;
            }
            next = i.out;
            break;
          default: {
            // InstMatch and the rune instructions become threads.
            // Under a capture `cap` is being edited in place: the thread gets a copy (Go passes
            // a nil thread down its recursion there).
            let th: Thread;
            if (t === undefined || restore.length > 0) th = this.alloc(i);
            else {
              th = t;
              th.inst = i;
              t = undefined;
            }
            if (cap.length > 0 && th.cap !== cap) {
              for (let k = 0; k < cap.length; k++) th.cap[k] = cap[k] as number;
              visits += cap.length >> 1; // copying captures is work too
            }
            q.denseT[j] = th;
          }
        }
        if (next < 0) break;
        p = next;
      }
    }
    this.budget.spend(visits);
    return t;
  }
}
