/**
 * The four-lane WebAssembly SIMD SM3 the chain workers hash with. It lives in shared/ (the
 * hall's ingest and its chain verification hash with the same module); this path stays the
 * renderer's entry to it.
 */
export { Sm3Simd } from '../../shared/sm3-simd';
