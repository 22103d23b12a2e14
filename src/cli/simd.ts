// --simd: reaching the relaxed-SIMD build from the command line. Node 20 validates relaxed SIMD only
// with --experimental-wasm-relaxed-simd, which NODE_OPTIONS does not accept; V8 takes the flag at run
// time as long as no WebAssembly has been compiled yet, so the CLI sets it first thing.
import v8 from 'node:v8';

/** (func (param v128 v128 v128) (result v128) f32x4.relaxed_madd): valid only where relaxed SIMD is. */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type section: (v128 v128 v128) → v128
  0x03, 0x02, 0x01, 0x00, // function section
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // code: relaxed_madd
]);

/**
 * Makes relaxed SIMD available if the engine can have it: a no-op where it already validates (Node ≥ 22,
 * browsers), else V8's run-time flag. Must run before the first WebAssembly compile. Returns whether the
 * engine now accepts relaxed SIMD.
 */
export function enableRelaxedSimd(): boolean {
  if (WebAssembly.validate(RELAXED_PROBE)) return true;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WebAssembly.validate(RELAXED_PROBE);
}
