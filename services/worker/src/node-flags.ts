/**
 * Node flags a worker process runs with, wherever it runs on its own (docker-compose, the
 * benchmarks and drills, which start it the way production does).
 *
 * A larger young generation (V8's default semi-space is 16 MB): a busy worker allocates fast
 * (HTTP bodies, logs, prompts, answers) and an analysis's objects live for its whole analysis, so
 * with the default they are scavenged and copied again and again. In the 0 ms end-to-end benchmark
 * this took the garbage collector's share of the worker's main thread from 6.1-6.8 % to 3.3 %, for
 * at most 48 MB more memory (two semi-spaces of 32 MB against 16 MB).
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
