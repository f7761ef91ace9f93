/**
 * The parse tree of Go's `text/template` (a port of Go 1.19's `text/template/parse/node.go`): one
 * discriminated union of node shapes, and `nodeString`, Go's `String()`, which reprints a node as
 * canonical template source (exec errors quote it: `at <.Values.x>`). Nodes are plain data; they do
 * no parsing (see `parse.ts`) and no evaluation (see `exec.ts`).
 */
import { quoteGo } from '../fmt.js';
import type { Tree } from './parse.js';

export type NodeType =
  | 'Text'
  | 'Action'
  | 'Bool'
  | 'Chain'
  | 'Command'
  | 'Dot'
  | 'Field'
  | 'Identifier'
  | 'If'
  | 'List'
  | 'Nil'
  | 'Number'
  | 'Pipe'
  | 'Range'
  | 'String'
  | 'Template'
  | 'Variable'
  | 'With'
  | 'Comment'
  | 'Break'
  | 'Continue'
  | 'else'
  | 'end';

interface Base {
  /** Offset of the node in the template text (UTF-16 units). */
  readonly pos: number;
  /** The tree the node belongs to (for error context). */
  readonly tr: Tree;
}

export interface ListNode extends Base {
  readonly type: 'List';
  readonly nodes: Node[];
}
export interface TextNode extends Base {
  readonly type: 'Text';
  readonly text: string;
}
export interface CommentNode extends Base {
  readonly type: 'Comment';
  readonly text: string;
}
export interface PipeNode extends Base {
  readonly type: 'Pipe';
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface ActionNode extends Base {
  readonly type: 'Action';
  readonly line: number;
  readonly pipe: PipeNode;
}
export interface CommandNode extends Base {
  readonly type: 'Command';
  readonly args: Node[];
}
export interface IdentifierNode extends Base {
  readonly type: 'Identifier';
  readonly ident: string;
}
export interface VariableNode extends Base {
  readonly type: 'Variable';
  /** `$x.a.b` is `['$x', 'a', 'b']`. */
  readonly ident: string[];
}
export interface DotNode extends Base {
  readonly type: 'Dot';
}
export interface NilNode extends Base {
  readonly type: 'Nil';
}
export interface FieldNode extends Base {
  readonly type: 'Field';
  /** `.a.b` is `['a', 'b']`. */
  readonly ident: string[];
}
export interface ChainNode extends Base {
  readonly type: 'Chain';
  readonly node: Node;
  readonly field: string[];
}
export interface BoolNode extends Base {
  readonly type: 'Bool';
  readonly true: boolean;
}
/** A number constant; like Go it records every interpretation that is exact ("ideal constants"). */
export interface NumberNode extends Base {
  readonly type: 'Number';
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  complex: [number, number];
  readonly text: string;
}
export interface StringNode extends Base {
  readonly type: 'String';
  /** The original text, with quotes. */
  readonly quoted: string;
  /** The unquoted string. */
  readonly text: string;
}
export interface EndNode extends Base {
  readonly type: 'end';
}
export interface ElseNode extends Base {
  readonly type: 'else';
  readonly line: number;
}
export interface BranchNode<T extends 'If' | 'Range' | 'With'> extends Base {
  readonly type: T;
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export type IfNode = BranchNode<'If'>;
export type RangeNode = BranchNode<'Range'>;
export type WithNode = BranchNode<'With'>;
export interface BreakNode extends Base {
  readonly type: 'Break';
  readonly line: number;
}
export interface ContinueNode extends Base {
  readonly type: 'Continue';
  readonly line: number;
}
export interface TemplateNode extends Base {
  readonly type: 'Template';
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}

export type Node =
  | ListNode
  | TextNode
  | CommentNode
  | PipeNode
  | ActionNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | EndNode
  | ElseNode
  | IfNode
  | RangeNode
  | WithNode
  | BreakNode
  | ContinueNode
  | TemplateNode;

/** Go's `Node.String()`: the node as template source. */
export function nodeString(n: Node): string {
  const out: string[] = [];
  writeTo(n, out);
  return out.join('');
}

function writeTo(n: Node, sb: string[]): void {
  switch (n.type) {
    case 'List':
      for (const c of n.nodes) writeTo(c, sb);
      return;
    case 'Text':
      sb.push(n.text);
      return;
    case 'Comment':
      sb.push('{{', n.text, '}}');
      return;
    case 'Pipe':
      if (n.decl.length > 0) {
        n.decl.forEach((v, i) => {
          if (i > 0) sb.push(', ');
          writeTo(v, sb);
        });
        sb.push(' := ');
      }
      n.cmds.forEach((c, i) => {
        if (i > 0) sb.push(' | ');
        writeTo(c, sb);
      });
      return;
    case 'Action':
      sb.push('{{');
      writeTo(n.pipe, sb);
      sb.push('}}');
      return;
    case 'Command':
      n.args.forEach((arg, i) => {
        if (i > 0) sb.push(' ');
        if (arg.type === 'Pipe') {
          sb.push('(');
          writeTo(arg, sb);
          sb.push(')');
          return;
        }
        writeTo(arg, sb);
      });
      return;
    case 'Identifier':
      sb.push(n.ident);
      return;
    case 'Variable':
      sb.push(n.ident.join('.'));
      return;
    case 'Dot':
      sb.push('.');
      return;
    case 'Nil':
      sb.push('nil');
      return;
    case 'Field':
      for (const id of n.ident) sb.push('.', id);
      return;
    case 'Chain':
      if (n.node.type === 'Pipe') {
        sb.push('(');
        writeTo(n.node, sb);
        sb.push(')');
      } else writeTo(n.node, sb);
      for (const f of n.field) sb.push('.', f);
      return;
    case 'Bool':
      sb.push(n.true ? 'true' : 'false');
      return;
    case 'Number':
      sb.push(n.text);
      return;
    case 'String':
      sb.push(n.quoted);
      return;
    case 'end':
      sb.push('{{end}}');
      return;
    case 'else':
      sb.push('{{else}}');
      return;
    case 'If':
    case 'Range':
    case 'With': {
      const name = n.type === 'If' ? 'if' : n.type === 'Range' ? 'range' : 'with';
      sb.push('{{', name, ' ');
      writeTo(n.pipe, sb);
      sb.push('}}');
      writeTo(n.list, sb);
      if (n.elseList) {
        sb.push('{{else}}');
        writeTo(n.elseList, sb);
      }
      sb.push('{{end}}');
      return;
    }
    case 'Break':
      sb.push('{{break}}');
      return;
    case 'Continue':
      sb.push('{{continue}}');
      return;
    case 'Template':
      sb.push('{{template ', quoteGo(n.name));
      if (n.pipe) {
        sb.push(' ');
        writeTo(n.pipe, sb);
      }
      sb.push('}}');
      return;
    default: {
      const never: never = n;
      throw new Error(`unknown node ${String(never)}`);
    }
  }
}
