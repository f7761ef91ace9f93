/**
 * A port of Go's `regexp/syntax` compiler: a simplified parse tree becomes a Thompson NFA program
 * (Go's `Prog`), with Go's instruction order, so thread priorities, and therefore which match
 * leftmost-first search picks, are Go's. Compilation stops at `MAX_SIZE` instructions.
 */
import {
  Error as SyntaxError,
  ErrLarge,
  FoldCase,
  MAX_SIZE,
  NonGreedy,
  OpAlternate,
  OpAnyChar,
  OpAnyCharNotNL,
  OpBeginLine,
  OpBeginText,
  OpCapture,
  OpCharClass,
  OpConcat,
  OpEmptyMatch,
  OpEndLine,
  OpEndText,
  OpLiteral,
  OpNoMatch,
  OpNoWordBoundary,
  OpPlus,
  OpQuest,
  OpStar,
  OpWordBoundary,
  cleanClass,
  hasFold,
  type Regexp,
} from './syntax.js';
import { MAX_RUNE } from './unicode.js';

// Instruction ops (Go's InstOp).
export const InstAlt = 0;
export const InstAltMatch = 1;
export const InstCapture = 2;
export const InstEmptyWidth = 3;
export const InstMatch = 4;
export const InstFail = 5;
export const InstNop = 6;
export const InstRune = 7;
export const InstRune1 = 8;
export const InstRuneAny = 9;
export const InstRuneAnyNotNL = 10;

// Empty-width conditions (Go's EmptyOp).
export const EmptyBeginLine = 1;
export const EmptyEndLine = 2;
export const EmptyBeginText = 4;
export const EmptyEndText = 8;
export const EmptyWordBoundary = 16;
export const EmptyNoWordBoundary = 32;

export interface Inst {
  op: number;
  out: number;
  arg: number;
  /** Rune ranges (InstRune), or the single rune (InstRune1, or InstRune with `fold`). */
  rune: readonly number[];
  /** A single-rune InstRune that matches its case-folding orbit. */
  fold: boolean;
}

export interface Prog {
  inst: Inst[];
  start: number;
  numCap: number;
}

interface Frag {
  i: number;
  head: number;
  tail: number;
  nullable: boolean;
}

class Compiler {
  readonly p: Prog = { inst: [], start: 0, numCap: 2 };

  constructor(private readonly expr: string) {
    this.inst(InstFail);
  }

  inst(op: number): Frag {
    if (this.p.inst.length >= MAX_SIZE) throw new SyntaxError(ErrLarge, this.expr);
    const f: Frag = { i: this.p.inst.length, head: 0, tail: 0, nullable: true };
    this.p.inst.push({ op, out: 0, arg: 0, rune: [], fold: false });
    return f;
  }

  /** Patches every hole of the list (`head`) to `val` (Go's patchList.patch). */
  patch(head: number, val: number): void {
    while (head !== 0) {
      const i = this.p.inst[head >> 1] as Inst;
      if ((head & 1) === 0) {
        head = i.out;
        i.out = val;
      } else {
        head = i.arg;
        i.arg = val;
      }
    }
  }

  append(h1: number, t1: number, h2: number, t2: number): [number, number] {
    if (h1 === 0) return [h2, t2];
    if (h2 === 0) return [h1, t1];
    const i = this.p.inst[t1 >> 1] as Inst;
    if ((t1 & 1) === 0) i.out = h2;
    else i.arg = h2;
    return [h1, t2];
  }

  compile(re: Regexp): Frag {
    switch (re.op) {
      case OpNoMatch:
        return this.fail();
      case OpEmptyMatch:
        return this.nop();
      case OpLiteral: {
        if (re.rune.length === 0) return this.nop();
        let f: Frag | undefined;
        for (const r of re.rune) {
          const f1 = this.rune([r], re.flags);
          f = f ? this.cat(f, f1) : f1;
        }
        return f as Frag;
      }
      case OpCharClass:
        // Cleaned in place once: copies of a repeated class share one range list.
        if (!re.clean) {
          re.rune = cleanClass(re.rune);
          re.clean = true;
        }
        return this.rune(re.rune, re.flags);
      case OpAnyCharNotNL:
        return this.rune([0, 9, 11, MAX_RUNE], 0);
      case OpAnyChar:
        return this.rune([0, MAX_RUNE], 0);
      case OpBeginLine:
        return this.empty(EmptyBeginLine);
      case OpEndLine:
        return this.empty(EmptyEndLine);
      case OpBeginText:
        return this.empty(EmptyBeginText);
      case OpEndText:
        return this.empty(EmptyEndText);
      case OpWordBoundary:
        return this.empty(EmptyWordBoundary);
      case OpNoWordBoundary:
        return this.empty(EmptyNoWordBoundary);
      case OpCapture: {
        const bra = this.cap(re.cap << 1);
        const sub = this.compile(re.sub[0] as Regexp);
        const ket = this.cap((re.cap << 1) | 1);
        return this.cat(this.cat(bra, sub), ket);
      }
      case OpStar:
        return this.star(this.compile(re.sub[0] as Regexp), (re.flags & NonGreedy) !== 0);
      case OpPlus:
        return this.plus(this.compile(re.sub[0] as Regexp), (re.flags & NonGreedy) !== 0);
      case OpQuest:
        return this.quest(this.compile(re.sub[0] as Regexp), (re.flags & NonGreedy) !== 0);
      case OpConcat: {
        if (re.sub.length === 0) return this.nop();
        let f: Frag | undefined;
        for (const sub of re.sub) f = f ? this.cat(f, this.compile(sub)) : this.compile(sub);
        return f as Frag;
      }
      case OpAlternate: {
        let f: Frag = this.fail();
        for (const sub of re.sub) f = this.alt(f, this.compile(sub));
        return f;
      }
    }
    throw new globalThis.Error(`regexp: unhandled op ${re.op} in compile`);
  }

  nop(): Frag {
    const f = this.inst(InstNop);
    f.head = f.tail = f.i << 1;
    return f;
  }

  fail(): Frag {
    return { i: 0, head: 0, tail: 0, nullable: false };
  }

  cap(arg: number): Frag {
    const f = this.inst(InstCapture);
    f.head = f.tail = f.i << 1;
    (this.p.inst[f.i] as Inst).arg = arg;
    if (this.p.numCap < arg + 1) this.p.numCap = arg + 1;
    return f;
  }

  cat(f1: Frag, f2: Frag): Frag {
    if (f1.i === 0 || f2.i === 0) return this.fail();
    this.patch(f1.head, f2.i);
    return { i: f1.i, head: f2.head, tail: f2.tail, nullable: f1.nullable && f2.nullable };
  }

  alt(f1: Frag, f2: Frag): Frag {
    if (f1.i === 0) return f2;
    if (f2.i === 0) return f1;
    const f = this.inst(InstAlt);
    const i = this.p.inst[f.i] as Inst;
    i.out = f1.i;
    i.arg = f2.i;
    [f.head, f.tail] = this.append(f1.head, f1.tail, f2.head, f2.tail);
    f.nullable = f1.nullable || f2.nullable;
    return f;
  }

  /** An Alt that prefers f1 (greedy) or its other, still open branch (non-greedy). */
  choice(f1: Frag, nongreedy: boolean): Frag {
    const f = this.inst(InstAlt);
    const i = this.p.inst[f.i] as Inst;
    if (nongreedy) {
      i.arg = f1.i;
      f.head = f.tail = f.i << 1;
    } else {
      i.out = f1.i;
      f.head = f.tail = (f.i << 1) | 1;
    }
    return f;
  }

  quest(f1: Frag, nongreedy: boolean): Frag {
    const f = this.choice(f1, nongreedy);
    [f.head, f.tail] = this.append(f.head, f.tail, f1.head, f1.tail);
    return f;
  }

  loop(f1: Frag, nongreedy: boolean): Frag {
    const f = this.choice(f1, nongreedy);
    this.patch(f1.head, f.i);
    return f;
  }

  star(f1: Frag, nongreedy: boolean): Frag {
    if (f1.nullable) return this.quest(this.plus(f1, nongreedy), nongreedy);
    return this.loop(f1, nongreedy);
  }

  plus(f1: Frag, nongreedy: boolean): Frag {
    const l = this.loop(f1, nongreedy);
    return { i: f1.i, head: l.head, tail: l.tail, nullable: f1.nullable };
  }

  empty(op: number): Frag {
    const f = this.inst(InstEmptyWidth);
    (this.p.inst[f.i] as Inst).arg = op;
    f.head = f.tail = f.i << 1;
    return f;
  }

  rune(r: readonly number[], flags: number): Frag {
    const f = this.inst(InstRune);
    f.nullable = false;
    const i = this.p.inst[f.i] as Inst;
    i.rune = r;
    let fold = (flags & FoldCase) !== 0;
    if (fold && (r.length !== 1 || !hasFold(r[0] as number))) fold = false;
    i.fold = fold;
    f.head = f.tail = f.i << 1;
    if (!fold && (r.length === 1 || (r.length === 2 && r[0] === r[1]))) {
      i.op = InstRune1;
      i.rune = [r[0] as number];
    } else if (r.length === 2 && r[0] === 0 && r[1] === MAX_RUNE) i.op = InstRuneAny;
    else if (r.length === 4 && r[0] === 0 && r[1] === 9 && r[2] === 11 && r[3] === MAX_RUNE) i.op = InstRuneAnyNotNL;
    return f;
  }
}

/** Go's `syntax.Compile` (of a simplified tree). `expr` names the pattern in a size error. */
export function compile(re: Regexp, expr: string): Prog {
  const c = new Compiler(expr);
  const f = c.compile(re);
  c.patch(f.head, c.inst(InstMatch).i);
  c.p.start = f.i;
  return c.p;
}

/** Go's `Prog.StartCond`: the empty-width conditions every match must satisfy at its start. */
export function startCond(p: Prog): number {
  let flag = 0;
  let pc = p.start;
  for (;;) {
    const i = p.inst[pc] as Inst;
    if (i.op === InstEmptyWidth) flag |= i.arg;
    else if (i.op === InstFail) return -1;
    else if (i.op !== InstCapture && i.op !== InstNop) return flag;
    pc = i.out;
  }
}
