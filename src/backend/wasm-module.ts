// The compiled WASM modules: decoded from the embedded builds (deflate-compressed, base64) once per
// process. Each build is imported only when a backend of that build is made — a separate chunk in a
// split bundle, so a page loads the one build it runs, and the threaded ones only for `threads: 2`.

/** Which build of the kernels: f32x4 SIMD, or SIMD with relaxed multiply-add. */
export type SimdFlavor = 'plain' | 'relaxed';

/**
 * The smallest module that uses a relaxed-SIMD instruction: () → v128 returning
 * i8x16.relaxed_swizzle(v128.const 0, v128.const 0). It validates exactly where relaxed SIMD is supported.
 */
const RELAXED_PROBE = Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: one type, () → v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x2b, 0x01, 0x29, 0x00, // code section: one body of 41 bytes, no locals
  0xfd, 0x0c, ...new Array<number>(16).fill(0), // v128.const 0
  0xfd, 0x0c, ...new Array<number>(16).fill(0), // v128.const 0
  0xfd, 0x80, 0x02, // i8x16.relaxed_swizzle (0xfd 256)
  0x0b, // end
);

let relaxedSupport: boolean | undefined;

/** Whether this engine accepts relaxed SIMD (Chrome ≥ 114; Node 20 only with --experimental-wasm-relaxed-simd). */
export function relaxedSimdSupported(): boolean {
  relaxedSupport ??= WebAssembly.validate(RELAXED_PROBE); // a fact of the engine: cached
  return relaxedSupport;
}

const compiled: Partial<Record<string, Promise<WebAssembly.Module>>> = {};

/** The embedded text of a build, imported when first asked for (literal paths, for bundlers). */
async function embedded(flavor: SimdFlavor, threads: boolean): Promise<string> {
  if (threads) {
    return flavor === 'relaxed'
      ? (await import('./wasm-binary-relaxed-threads.js')).wasmRelaxedThreadsBase64
      : (await import('./wasm-binary-threads.js')).wasmThreadsBase64;
  }
  return flavor === 'relaxed' ? (await import('./wasm-binary-relaxed.js')).wasmRelaxedBase64 : (await import('./wasm-binary.js')).wasmBase64;
}

/** Compiles an embedded module once per process (a compiled module is immutable and shareable). */
export function compileXentModule(flavor: SimdFlavor, threads: boolean): Promise<WebAssembly.Module> {
  const key = `${flavor}${threads ? '-threads' : ''}`;
  compiled[key] ??= embedded(flavor, threads).then(inflate).then((bytes) => WebAssembly.compile(bytes));
  return compiled[key];
}

/** The bytes of a build from its embedded form: base64 of the zlib-deflated module (DecompressionStream). */
async function inflate(base64: string): Promise<ArrayBuffer> {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'))).arrayBuffer();
}
