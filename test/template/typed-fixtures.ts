/**
 * Typed data for the differential test: the same values `test/template/go/render.go` builds in
 * Go (`typedFixture`), expressed with the engine's Go value model (structs with fields and
 * methods, a nil-safe pointer receiver like a protobuf wrapper, a named int with `String()` like a
 * protobuf enum, typed maps and slices). Test-only.
 */
import { GoFuncError, GoInt, GoMap, GoSlice, GoStruct, fromJSON, type GoValue, type StructType } from '../../src/template/index.js';

interface InnerData {
  Value: boolean;
  Text: string;
}

const InnerType: StructType = {
  name: '*main.Inner',
  pointer: true,
  fields: {
    Value: (s) => (s.data as InnerData).Value,
    Text: (s) => (s.data as InnerData).Text,
  },
  methods: {
    GetValue: { fn: (s) => (s.data === null ? false : (s.data as InnerData).Value) },
    GetText: { fn: (s) => (s.data === null ? '' : (s.data as InnerData).Text) },
  },
};

function modeName(n: number): string {
  if (n === 0) return 'REDIRECT';
  if (n === 1) return 'TPROXY';
  return `Mode(${n})`;
}

const ModeType: StructType = {
  name: 'main.Mode',
  underlying: (s) => new GoInt(s.data as number, 'int32'),
  format: (s) => modeName(s.data as number),
  methods: { String: { fn: (s) => modeName(s.data as number) } },
};

interface TypedData {
  [k: string]: GoValue;
}

const FIELD_ORDER = ['Name', 'Count', 'Count64', 'Port', 'Ratio', 'Flag', 'Labels', 'Tags', 'Ptr', 'NilPtr', 'Any', 'Mode', 'Values'];

function typedType(pointer: boolean): StructType {
  const fields: Record<string, (s: GoStruct) => GoValue> = {};
  for (const f of FIELD_ORDER) fields[f] = (s) => (s.data as TypedData)[f] ?? null;
  return {
    name: pointer ? '*main.Typed' : 'main.Typed',
    pointer,
    fields,
    methods: {
      Upper: { fn: (_s, a) => (a as string).toUpperCase(), params: ['string'] },
      Add: { fn: (_s, a, b) => new GoInt((a as GoInt).value + (b as GoInt).value), params: ['int', 'int'] },
      Join: { fn: (_s, sep, ...parts) => parts.join(sep as string), params: ['string'], variadic: 'string' },
      Fail: {
        fn: () => {
          throw new GoFuncError('failed on purpose');
        },
        returnsError: true,
      },
      ...(pointer
        ? {
            GetInner: { fn: (s: GoStruct) => (s.data as TypedData)['Ptr'] ?? null },
            GetNil: { fn: (s: GoStruct) => (s.data as TypedData)['NilPtr'] ?? null },
          }
        : {}),
    },
  };
}

function typed1(pointer: boolean): GoStruct {
  const data: TypedData = {
    Name: 'proxy',
    Count: new GoInt(3),
    Count64: new GoInt(15020, 'int64'),
    Port: new GoInt(15001, 'int32'),
    Ratio: 0.25,
    Flag: true,
    Labels: new GoMap(
      'string',
      new Map([
        ['app', 'web'],
        ['version', 'v1'],
      ]),
    ),
    Tags: new GoSlice('string', ['b', 'a']),
    Ptr: new GoStruct(InnerType, { Value: true, Text: 'inner' }),
    NilPtr: new GoStruct(InnerType, null),
    Any: 'anything',
    Mode: new GoStruct(ModeType, 1),
    Values: fromJSON({ a: 1, s: 'x', list: [1, 'b'], nested: { k: 'v' } }),
  };
  return new GoStruct(typedType(pointer), data);
}

/** The typed fixture `name`, as render.go's `typedFixture`. */
export function typedFixture(name: string): GoValue {
  switch (name) {
    case 'typed1':
      return typed1(false);
    case 'typed1ptr':
      return typed1(true);
    case 'strmap':
      return new GoMap(
        'string',
        new Map([
          ['b', '2'],
          ['a', '1'],
        ]),
      );
    case 'strslice':
      return new GoSlice('string', ['x', 'y', 'z']);
    case 'intslice':
      return new GoSlice('int', [new GoInt(3), new GoInt(1), new GoInt(2)]);
    default:
      throw new Error(`unknown typed fixture ${name}`);
  }
}
