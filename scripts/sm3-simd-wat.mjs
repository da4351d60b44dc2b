// Writes the WebAssembly text of a four-lane SM3 (GB/T 32905): `hash4` compresses four padded
// messages side by side, one message per 32-bit lane of each v128, so one instruction stream
// hashes four audit events. Generated rather than written by hand because SM3's 64 rounds and
// 52 expanded words are unrolled (and the working variables renamed instead of moved).
// `npm run gen:sm3-simd` compiles it into shared/sm3-simd-module.ts; a unit test
// checks that the committed module is what this generator produces.

const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];

const hex = (n) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const splat = (n) => `(v128.const i32x4 ${hex(n)} ${hex(n)} ${hex(n)} ${hex(n)})`;
const get = (name) => `(local.get $${name})`;
const rotl = (expr, n) => `(v128.or (i32x4.shl ${expr} (i32.const ${n})) (i32x4.shr_u ${expr} (i32.const ${32 - n})))`;
const xor = (a, b) => `(v128.xor ${a} ${b})`;
const add = (a, b) => `(i32x4.add ${a} ${b})`;

function roundConstant(j) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const s = j % 32;
  return s === 0 ? t : ((t << s) | (t >>> (32 - s))) >>> 0;
}

// Byte indices of i8x16.shuffle: 0–15 pick from the first operand, 16–31 from the second.
// First stage of a 4×4 transpose of 32-bit words, reversing each word's bytes on the way
// (SM3 reads big-endian words; WebAssembly memory is little-endian).
const SWAP_LOW = [3, 2, 1, 0, 19, 18, 17, 16, 7, 6, 5, 4, 23, 22, 21, 20];
const SWAP_HIGH = [11, 10, 9, 8, 27, 26, 25, 24, 15, 14, 13, 12, 31, 30, 29, 28];
// Second stage: the low or the high halves of two vectors.
const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HIGH_HALVES = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
const shuffle = (indices, a, b) => `(i8x16.shuffle ${indices.join(' ')} ${a} ${b})`;

/**
 * Statements that transpose rows r0…r3 (each four 32-bit words) into columns c0…c3
 * (c_i holds word i of every row), byte-swapping every word.
 */
function transposeSwapped(rows, columns) {
  const [r0, r1, r2, r3] = rows.map(get);
  return [
    `(local.set $t0 ${shuffle(SWAP_LOW, r0, r1)})`,
    `(local.set $t1 ${shuffle(SWAP_LOW, r2, r3)})`,
    `(local.set $t2 ${shuffle(SWAP_HIGH, r0, r1)})`,
    `(local.set $t3 ${shuffle(SWAP_HIGH, r2, r3)})`,
    `(local.set $${columns[0]} ${shuffle(LOW_HALVES, get('t0'), get('t1'))})`,
    `(local.set $${columns[1]} ${shuffle(HIGH_HALVES, get('t0'), get('t1'))})`,
    `(local.set $${columns[2]} ${shuffle(LOW_HALVES, get('t2'), get('t3'))})`,
    `(local.set $${columns[3]} ${shuffle(HIGH_HALVES, get('t2'), get('t3'))})`,
  ];
}

function blockBody() {
  const out = [];
  // Each lane reads its block b, or (past its own end) its first block again: the result of
  // that lane is then discarded by the mask below.
  for (let lane = 0; lane < 4; lane++) {
    out.push(
      `(local.set $a${lane} (select (i32.add ${get(`p${lane}`)} (i32.shl ${get('b')} (i32.const 6))) ${get(`p${lane}`)} (i32.lt_u ${get('b')} ${get(`n${lane}`)})))`,
    );
  }
  for (let q = 0; q < 4; q++) {
    for (let lane = 0; lane < 4; lane++) out.push(`(local.set $r${lane} (v128.load offset=${16 * q} align=1 ${get(`a${lane}`)}))`);
    out.push(
      ...transposeSwapped(
        ['r0', 'r1', 'r2', 'r3'],
        [0, 1, 2, 3].map((k) => `w${4 * q + k}`),
      ),
    );
  }
  for (let i = 16; i < 68; i++) {
    const w = (k) => get(`w${k}`);
    out.push(`(local.set $x ${xor(xor(w(i - 16), w(i - 9)), rotl(w(i - 3), 15))})`);
    out.push(`(local.set $w${i} ${xor(xor(xor(get('x'), rotl(get('x'), 15)), xor(rotl(get('x'), 23), rotl(w(i - 13), 7))), w(i - 6))})`);
  }
  const state = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
  state.forEach((name, k) => out.push(`(local.set $${name} ${get(`v${k}`)})`));
  // role[k] is the local that holds working variable k (A…H) in the current round.
  let role = [...state];
  for (let j = 0; j < 64; j++) {
    const [A, B, C, D, E, F, G, H] = role.map(get);
    const ff = j < 16 ? xor(xor(A, B), C) : `(v128.bitselect ${B} ${A} ${xor(A, C)})`;
    const gg = j < 16 ? xor(xor(E, F), G) : `(v128.bitselect ${F} ${G} ${E})`;
    out.push(`(local.set $a12 ${rotl(A, 12)})`);
    out.push(`(local.set $ss1 ${add(add(get('a12'), E), splat(roundConstant(j)))})`);
    out.push(`(local.set $ss1 ${rotl(get('ss1'), 7)})`);
    // TT1 goes into D's local and P0(TT2) into H's: both are dead after this round.
    out.push(`(local.set $${role[3]} ${add(add(ff, D), add(xor(get('ss1'), get('a12')), xor(get(`w${j}`), get(`w${j + 4}`))))})`);
    out.push(`(local.set $tt2 ${add(add(gg, H), add(get('ss1'), get(`w${j}`)))})`);
    out.push(`(local.set $${role[1]} ${rotl(B, 9)})`);
    out.push(`(local.set $${role[5]} ${rotl(F, 19)})`);
    out.push(`(local.set $${role[7]} ${xor(xor(get('tt2'), rotl(get('tt2'), 9)), rotl(get('tt2'), 17))})`);
    // New (A, B, C, D, E, F, G, H) = (TT1, A, B<<<9, C, P0(TT2), E, F<<<19, G).
    role = [role[3], role[0], role[1], role[2], role[7], role[4], role[5], role[6]];
  }
  // Lanes still inside their message take the compressed state; the others keep theirs.
  out.push(`(local.set $mask (i32x4.lt_u (i32x4.splat ${get('b')}) ${get('nv')}))`);
  role.forEach((name, k) => out.push(`(local.set $v${k} (v128.bitselect ${xor(get(`v${k}`), get(name))} ${get(`v${k}`)} ${get('mask')}))`));
  return out;
}

/** The module's text: memory (exported as `memory`) and `hash4(p0, n0, …, p3, n3, out)`. */
export function sm3SimdWat() {
  const params = [0, 1, 2, 3].map((l) => `(param $p${l} i32) (param $n${l} i32)`).join(' ');
  const v128Locals = [
    ...Array.from({ length: 68 }, (_, i) => `w${i}`),
    ...Array.from({ length: 8 }, (_, i) => `v${i}`),
    ...['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'],
    'r0',
    'r1',
    'r2',
    'r3',
    't0',
    't1',
    't2',
    't3',
    'x',
    'a12',
    'ss1',
    'tt2',
    'mask',
    'nv',
  ];
  const body = [
    ...IV.map((word, k) => `(local.set $v${k} ${splat(word)})`),
    `(local.set $nv (i32x4.replace_lane 3 (i32x4.replace_lane 2 (i32x4.replace_lane 1 (i32x4.splat ${get('n0')}) ${get('n1')}) ${get('n2')}) ${get('n3')}))`,
    `(local.set $max (select ${get('n0')} ${get('n1')} (i32.gt_u ${get('n0')} ${get('n1')})))`,
    `(local.set $max (select ${get('max')} ${get('n2')} (i32.gt_u ${get('max')} ${get('n2')})))`,
    `(local.set $max (select ${get('max')} ${get('n3')} (i32.gt_u ${get('max')} ${get('n3')})))`,
    `(local.set $b (i32.const 0))`,
    '(block $done (loop $blocks',
    `(br_if $done (i32.ge_u ${get('b')} ${get('max')}))`,
    ...blockBody(),
    `(local.set $b (i32.add ${get('b')} (i32.const 1)))`,
    '(br $blocks)))',
    // Digests out: lane L's eight words, big-endian, at out + 32·L.
    ...transposeSwapped(['v0', 'v1', 'v2', 'v3'], ['r0', 'r1', 'r2', 'r3']),
    ...[0, 1, 2, 3].map((lane) => `(v128.store offset=${32 * lane} align=1 ${get('out')} ${get(`r${lane}`)})`),
    ...transposeSwapped(['v4', 'v5', 'v6', 'v7'], ['r0', 'r1', 'r2', 'r3']),
    ...[0, 1, 2, 3].map((lane) => `(v128.store offset=${32 * lane + 16} align=1 ${get('out')} ${get(`r${lane}`)})`),
  ];
  return [
    '(module',
    '  (memory (export "memory") 16)',
    `  (func (export "hash4") ${params} (param $out i32)`,
    `    (local $b i32) (local $max i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)`,
    `    ${v128Locals.map((name) => `(local $${name} v128)`).join(' ')}`,
    ...body.map((line) => `    ${line}`),
    '  )',
    ')',
    '',
  ].join('\n');
}
