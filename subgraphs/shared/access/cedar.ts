import { setFlagsFromString } from 'node:v8';

/**
 * Cedar (`@cedar-policy/cedar-wasm`), loaded once for all of Wharf.
 *
 * Guard, do not remove: TurboFan inlines JS→Wasm calls into hot callers, and
 * lazily deoptimising such a caller while it is inside the inlined call
 * crashes the process ("Fatal error … unreachable code" in
 * Deoptimizer::DoComputeBuiltinContinuation) on Node 20 and 22 alike — seen
 * here in the discoverability property test, every run. Turning the inlining
 * off costs nothing measurable (a Cedar call is ~0.3 ms); it must be set
 * before any caller is optimised, which is why it runs when this module loads.
 */
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

export * from '@cedar-policy/cedar-wasm/nodejs';
