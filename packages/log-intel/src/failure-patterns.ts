/**
 * Shapes of lines that say why a CI job failed, grouped by family of tools. Scores are relative
 * weights: 10 = a line that on its own states a failure, 1 = weak evidence.
 * Keep patterns about tool families and error shapes, never about one project.
 */
export type TFailurePattern = { kind: string; score: number; re: RegExp };

export const FAILURE_PATTERNS: TFailurePattern[] = [
  // Job / step outcome
  {
    kind: 'job',
    score: 6,
    re: /(?:^|\s)ERROR: Job failed\b|(?:^|\s)The command ".*" (?:exited with|failed and exited with) [1-9]\d*|Process completed with exit code [1-9]|(?:^|\s)Done\. Your build exited with [1-9]|Exited with code (?:exit status )?[1-9]|script returned exit code [1-9]|\bexited with code '?[1-9]|^Finished: FAILURE/,
  },
  {
    kind: 'timeout',
    score: 9,
    re: /No output has been received in the last|execution took longer than|\btimed out\b|\bTimeout(?:Error|Exception)\b|deadline exceeded|job exceeded.*timeout|Terminated after \d+ ?(?:s|m|min)/i,
  },
  {
    kind: 'oom',
    score: 10,
    re: /\bOOMKilled\b|out of memory|heap out of memory|Cannot allocate memory|std::bad_alloc|\bMemoryError\b|Killed\s*$|exit code 137|GC overhead limit exceeded|OutOfMemoryError|No space left on device|\bENOSPC\b|disk quota exceeded/i,
  },
  // Compilers and linkers
  {
    kind: 'compiler',
    score: 10,
    re: /^\S+\.\w+ ?\(\d+,\d+\): |^[^\s:]+(?::\d+){1,2}:? (?:fatal )?error\b|\berror (?:TS|CS|C)\d+\b|^error(?:\[E\d+\])?: |undefined reference to|ld returned \d+ exit status|^collect2: error|Undefined symbols? for architecture|linker command failed|\bcannot find symbol\b|\bSyntaxError\b|\bParseError\b|\bparse error\b|compilation (?:failed|terminated)|could not compile|Compilation failed|^\S+\.(?:go|rs|swift|m|kt|scala|hs|ex|exs|cr|nim|d|ml):\d+(?::\d+)?: /i,
  },
  {
    kind: 'compiler',
    score: 8,
    re: /\*\*\* \[.*\] Error \d+|make(?:\[\d+\])?: \*\*\*|^ninja: build stopped|\*\* BUILD FAILED \*\*|error: build failed|^\s*\^~*\s*$/,
  },
  {
    kind: 'compiler',
    score: 8,
    re: /Could not match (?:type|expected)|Couldn't match|could not deduce|No instance for|not in scope|cannot be applied to|type mismatch|mismatched types|incompatible types|is not assignable to|has no (?:attribute|member|method|property)|is not a member of|is inaccessible|unknown (?:attribute|type|identifier)|undeclared identifier|was not declared|no matching function|implicit declaration/i,
  },
  // Build tools
  {
    kind: 'build-tool',
    score: 10,
    re: /BUILD FAILURE|BUILD FAILED|FAILURE: Build failed|Execution failed for task|What went wrong:|Failed to execute goal|> Task \S+ FAILED|^\[ERROR\]|^\[error\]|^error Command failed|^ERR!|npm ERR!|ERR_PNPM_|^error\s|yarn run .* failed|^FAILED:|^\*\*\* Error/,
  },
  // Tests
  {
    kind: 'test',
    score: 10,
    re: /^\s*FAIL\b|--- FAIL:|^FAIL\s|^\s*(?:✗|✖|✘|×|❌)|^not ok\b|\bFAILED\b|\bFAILURES?!|^Failures:|^Failed examples:|^rspec \.\/|Failure\/Error:|AssertionError|AssertionFailedError|ComparisonFailure|assert(?:ion)? failed|Assertion failed|^\s*Expected\b|^\s*Actual\b|^\s*Received\b|^\s*expected:|^\s*got:|but was:|to equal|to be\b.*(?:but|received)|Tests? (?:run|failed).*(?:Failures|Errors): [1-9]|\b[1-9]\d* (?:failed|failing|failures?|errors?)\b|^(?:ERROR|FAIL|FAILURE): test|^E\s{3}|^=+ FAILURES =+|^_{3,} .* _{3,}$|Tests: .*\d+ failed|There (?:was|were) \d+ (?:failure|error)s?:|^Test Summary Report|^Failed tests?:|^\s*\d+\) \S/,
  },
  {
    kind: 'test',
    score: 9,
    re: /\s(?:FAIL|FAILED|ERROR|FAILURE|ERRORED)!?(?:\s*\([^)]*\))?\s*$|\bFAIL\b|^\s*\[-\] |<<< (?:FAILURE|ERROR)!|^\s*(?:Error Trace|Messages):\s|\bexpected to\b.*\bgot\b|^Found \d* ?errors? in|^Caught exception|Non-matching|^\s*(?:left|right):\s/,
  },
  // Test report families without their own failure word: JUnit / Surefire summaries (`Class.method:42 msg`,
  // `method(Class): msg`), ScalaTest, xUnit / NUnit, Pester, PHPUnit, Erlang common_test and EUnit.
  {
    kind: 'test',
    score: 9,
    re: /^(?:\[ERROR\])?\s+[\w$]+(?:[.#>][\w$]+)+(?:\[[^\]]*\])?:\d+(?:\s|$)|^(?:\[ERROR\])?\s+\w+\((?:[\w$]+\.)+[\w$]+\)(?::|\s*$)|^(?:\[ERROR\] )?Tests in error:|^\[ERROR\] (?:Failures|Errors):\s*$/,
  },
  {
    kind: 'test',
    score: 9,
    re: /\b(?:did not equal|was not equal to|did not contain|did not match|was not (?:empty|defined|null|true|false|an instance of)|was not less than|was not greater than)\b/,
  },
  {
    kind: 'test',
    score: 9,
    re: /\[FAIL\]|^\s*Failed \S+ \[[\d.]+ ?m?s\]|Assert\.\w+\(\) Failure|^\s*Error Message:|^Failed!\s+- Failed:\s*[1-9]|Test Run Failed|\bBut was:|Expected .*,? but (?:got|was) |Expected strings to be the same|^\s*(?:Tests )?Passed: \d+,? Failed: [1-9]|Block '.*' failed/,
  },
  { kind: 'test', score: 9, re: /^Tests: \d+, Assertions: \d+, .*(?:Failures|Errors): [1-9]|\bERRORS!|^Failed asserting that / },
  {
    kind: 'test',
    score: 9,
    re: /failed on line \d+|^Reason: |==> .*: FAILED|TEST COMPLETE, .*\b[1-9]\d* failed|\*failed\*|^\s*\*\*(?:error|exit|throw):|\{(?:badmatch|case_clause|function_clause|badarg|badarith|undef|noproc|timeout),|^\s*Failed: [1-9]\d*\.\s+Skipped/,
  },
  // Expected/actual output diffs printed by test runners
  { kind: 'diff', score: 6, re: /^\d{3}[+-] |^(?:---|\+\+\+) \S|^@@ .* @@|^diff --git / },
  // Stack traces and crashes
  {
    kind: 'exception',
    score: 10,
    re: /(?:Address|Leak|Thread|Memory|UndefinedBehavior)Sanitizer|\bruntime error: |Traceback \(most recent call last\)|^panic: |^fatal error: |Exception in thread|^\s*(?:[\w$]+\.)+[\w$]*(?:Exception|Error)\b(?::|$)|^\s*\w*(?:Error|Exception): |^Caused by: |thread '.*' panicked at|Segmentation fault|\bSIGSEGV\b|\bSIGABRT\b|core dumped|Abort trap|Unhandled(?:Promise)?Rejection|Uncaught \w*(?:Error|Exception)|stack overflow|^\s*raise \w+/,
  },
  // Dependencies and fetching
  {
    kind: 'dependency',
    score: 9,
    re: /Could not resolve|Could not find (?:artifact|a version|gem|module|package)|No matching distribution|Cannot find module|Module not found|ModuleNotFoundError|ImportError|No module named|unable to resolve dependency|ERESOLVE|peer dep|version solving failed|Unable to locate package|Package .* not found|404 Not Found|Failed to fetch|dependency resolution failed|Bundler::\w+Error|Gem::\w+Error|An error occurred while installing|Your bundle is locked|checksum mismatch|cannot satisfy|conflicting dependencies|failed to download|unsatisfiable|requires .* but .* (?:is|was) installed/i,
  },
  // Containers
  {
    kind: 'docker',
    score: 9,
    re: /returned a non-zero code|failed to solve|Error response from daemon|^ERROR \[|pull access denied|manifest unknown|no basic auth credentials|denied: requested access/,
  },
  // Lint and static analysis
  // The GNU diagnostic shape `path/file.ext:line:col: message`, printed by compilers and linters.
  { kind: 'lint', score: 6, re: /^\s*[^\s:]+\.\w+:\d+:\d+: (?!(?:warning|note|info|remark)\b)\S/i },
  // `file:line message (rule)` and `file:line CODE message` reporters (markdownlint, hadolint, pyflakes...),
  // and format checks (Prettier, Black, Spotless, rustfmt, gofmt...).
  {
    kind: 'lint',
    score: 7,
    re: /^\s*[^\s:]+\.\w+:\d+(?::\d+)?:? (?!(?:warning|note|info|in)\b).*\([\w/@.-]+\)\s*$|^\s*[^\s:]+:\d+(?::\d+)?:? [A-Z]{2,}\d{2,}\b|^[^\s:]+\.py:\d+:(?:\d+:)? (?:'.+' imported but unused|undefined name|redefinition of unused|local variable '.+' is assigned to but never used)/,
  },
  {
    kind: 'lint',
    score: 8,
    re: /Code style issues found|Forgot to run Prettier|format violations|files? would be reformatted|^Diff in \S+ at line \d+|(?:is|are) not (?:properly )?formatted|needs? formatting|^\s*\d+:\d+\s+(?:error|warning)\s|✖ \d+ problems?|^[^\s:]+:\d+:\d+: [A-Z]\d{3,4}\b|^[^\s:]+:\d+:\d+: [CWEFR]: |\bSC\d{4}\b|^In \S+ line \d+:|would reformat|^\S+:\d+:\d+: error:|offenses? detected|\bproblems? \(\d+ errors?/,
  },
  // Generic wording
  {
    kind: 'error',
    score: 6,
    re: /\b(?:fatal|FATAL)\b|\bERROR\b|\bError\b(?!\.\w)|\berror\b(?![\w.-]*\.\w)|\bFailed\b|\bfailed\b|\bfailure\b|\bFailure\b|\bexception\b|\bException\b|\bpanic\b/,
  },
  {
    kind: 'error',
    score: 4,
    re: /permission denied|no such file or directory|command not found|not found|cannot |can't |could not |couldn't |unable to |is not defined|undefined method|undefined variable|unexpected|invalid|refused|unreachable|mismatch|missing|does not exist|doesn't exist|not supported|unsupported|violat|abort/i,
  },
  { kind: 'warning', score: 1, re: /\bwarning\b|\bWARN(?:ING)?\b|\bdeprecated\b/i },
];

/**
 * The test every line of a log goes through. A line can open a failure block only if one of
 * these matches: the words of every pattern scoring 5 or more, the shapes that appear without
 * such a word, and the runner markers (sections, folds, echoed commands, PEM headers). Lines
 * inside an open block are scored in full whatever these say. Kept as separate simple scans on
 * purpose: V8 runs one alternation of plain words, or of a few symbols, at several hundred MB/s,
 * but slows down several times when both are mixed in one expression. Words are only looked for
 * where a word starts (or right after a colour code's `m` or a `_`): that halves the scan time;
 * words glued to the end of an identifier (`ValueError`) have their own scan.
 */
export const HOT_SCANS: RegExp[] = [
  /(?:\b|[m_])(?:err|exception|exit|exceed|expected|fail|fatal|panic|traceback|timed out|timeout|took longer|assert|abort|actual|denied|cannot|could|can't|core dumped|unable|undefined|undeclared|unknown|unexpected|killed|oom|out of memory|overflow|offenses|segmentation|sigsegv|sigabrt|sanitizer|refused|received|reformat|not ok|not found|not declared|not in scope|not a member|no such|no matching|no module|no output|non-zero|non-matching|inaccessible|is not assignable|invalid|mismatch|missing|bad_alloc|but was|did not|was not|no space|imported but unused|style issues|formatted|violation)/gi,
  /[a-z](?:Error|Exception|Failure|Failed|Timeout)/g,
  /:\d+:\d+: |\[-\]|SC\d{4}|section_|travis_|-----BEGIN|\$ |##\[|\[Pipeline\] |Starting: /g,
];

/** Shapes that count only at the start of a line (diff lines, pytest `E` lines, Erlang `Reason:`). */
export const HOT_LINE_START_RE = /^(?:\d{3}[+-] |--- |\+\+\+ |E {2}|diff --git |Diff in |Reason: )/;
/** The same, found in a whole buffer by the newline before them: much cheaper than a `^` with /m. */
export const HOT_AFTER_NEWLINE_RE = /\n(?:\d{3}[+-] |--- |\+\+\+ |E {2}|diff --git |Diff in |Reason: )/g;

/** Non-ASCII marks of failed tests, searched as UTF-8 bytes (the scans above see latin1). */
const HOT_SYMBOL_TEXTS = ['✗', '✖', '✘', '❌'];
export const HOT_SYMBOLS: Buffer[] = HOT_SYMBOL_TEXTS.map((t) => Buffer.from(t, 'utf8'));

/** {@link HOT_SCANS} and symbols for one decoded line. */
export function isHotLine(text: string): boolean {
  return (
    HOT_LINE_START_RE.test(text) ||
    HOT_SYMBOL_TEXTS.some((t) => text.includes(t)) ||
    HOT_SCANS.some((re) => {
      re.lastIndex = 0;
      return re.test(text);
    })
  );
}

/**
 * Lines whose words look like failures but that report success, describe settings or skip an
 * optional package on this platform (yarn on fsevents under Linux). A count of zero is benign
 * only when no other count on the line is not zero (`Failures: 1, Errors: 0`).
 */
export const BENIGN_RE =
  /^(?!.*\b[1-9]\d* (?:errors?|failures?|failed|failing)\b|.*\b(?:Failures|Errors|Failed):\s*[1-9])(?=.*\b0 (?:errors?|failures?|failed|failing)\b|.*\b(?:Failures|Errors|Failed): 0(?:,|\s|$))|(?<![[,] ?)-W(?:no-)?error|--fail-fast|\berror[-_](?:prone|handling|reporting|page|log)|\bwarnings? (?:as|=) errors?|^\s*\$ |^travis_|ignore[-_]?errors|allow[-_]failures|expected_failures?|xfail|\bskipp?ed\b.*\bfailed\b: 0|✓|✔|\bPASS(?:ED)?\b|\bok\b\s*$|^(?:SKIP|XFAIL|XPASS)\s|optional dependency and failed compatibility check/i;

/** A build tool's advice after its error (Maven's `To see the full stack trace...`, Gradle's `* Try:`). */
export const TOOL_ADVICE_RE =
  /^\[ERROR\] (?:To see the full stack trace of the errors|Re-run Maven using the -X switch|For more information about the errors and possible solutions|\[Help \d+\] https?:|After correcting the problems, you can resume the build|\s+mvn <\w+> -rf |-> \[Help \d+\]\s*$)|^\[ERROR\]\s*$|^\* Try:|^> Run with --(?:stacktrace|info|debug|scan)|^Run with --(?:stacktrace|info|debug|scan) option|Get more help at https:\/\/help\.gradle\.org/;

/**
 * Lines shaped like failures that never explain one: a build tool's advice, and commands echoed
 * by `set -x` (`+ make test`, `++ fail 'tests failed'`), which name what runs, not what happened.
 */
export const BOILERPLATE_RE = new RegExp(`${TOOL_ADVICE_RE.source}|^\\+{1,4} ?[A-Za-z_][\\w.-]*(?: |=|$)`);

/**
 * Failure-shaped lines that are warnings: javac lint categories and deprecations (printed under
 * `[ERROR]` when warnings fail the build, but the `error:` lines next to them are the cause), and
 * debug or trace logging, which names exceptions it handled.
 */
export const WARNING_SHAPED_RE =
  /^(?!.*\berror:).*(?:\[(?:deprecation|unchecked|rawtypes|serial|cast|varargs|removal|static|try|fallthrough|dep-ann|divzero|empty|finally|overrides|path|processing|options)\] |\b(?:has been|is) deprecated\b)|^.{0,40}?(?:\bDEBUG\b|\bTRACE\b|\[debug\]|\[trace\])/;

/**
 * Application logging printed while tests run (debug, trace and info records with a timestamp or
 * a logger name): next to a failure report it is rarely part of it, and it is often long.
 */
export const CHATTER_RE =
  /^.{0,40}?(?:\bDEBUG\b|\bTRACE\b|\[debug\]|\[trace\])|^(?:\[?\d{4}-\d\d-\d\d[ T]|\[?\d\d:\d\d:\d\d[.,]\d+)\S*\]?\s+(?:\[[^\]]*\]\s+)?INFO\b/;

/** A non-zero count of failures or errors: a line with one is never benign (`Tests Passed: 7, Failed: 1`). */
export const FAILURE_COUNT_RE = /\b[1-9]\d* (?:errors?|failures?|failed|failing)\b|\b(?:Failures|Errors|Failed|Failing):\s*[1-9]/i;

/** Lines that continue a block above: stack frames, carets, indented detail, diff lines. */
export const CONTINUATION_RE =
  /^\s+at |^\s+File "|^\s*#? ?\S+:\d+:in `|^\s*\d*\s*\|\s|^\s+from |^\s*\^|^\s*~+|^\s*\|\s|^\s*[-+>] |^\s*(?:Caused by|note|help|hint|= note|= help|-->)\b|^\s{2,}\S|^\t|^E\s|^\d{3}[+-] |^\s*\.\.\.|^\s*#\d+ |#\d+ 0x[0-9a-f]+ in /;

/**
 * Runner and CI bookkeeping, and the shadow-memory map and legend that close a sanitizer report:
 * never failure evidence on their own.
 */
export const NOISE_RE =
  /^(?:Running with gitlab-runner|Preparing the "|Preparing environment|Using (?:Docker|Kubernetes|Shell) executor|Getting source from Git|Fetching changes|Checking out [0-9a-f]+|Skipping Git submodules|Restoring cache|Saving cache|Uploading artifacts|Downloading artifacts|Cleaning up (?:project directory|file based variables)|Created fresh repository|Resolving secrets|Executing "step_script"|Runtime platform|Initialized empty Git repository|remote: (?:Counting|Compressing|Enumerating|Total)|Receiving objects|Resolving deltas|Unpacking objects|store build cache|changing dir|attempting to download cache|adding .* to cache|uploading archive|Worker information|hostname:|version:|instance:|startup:|Build system information|Setting environment variables from|Disabling Gradle daemon)|^\s*(?:=>)?\s*0x[0-9a-f]+: (?:\[?[0-9a-f]{2}\]? ?)+$|^Shadow bytes? (?:around|legend)|^\s+(?:Addressable|Partially addressable|Heap left redzone|Freed heap region|Stack (?:left|mid|right) redzone|Stack after return|Stack use after scope|Global redzone|Global init order|Poisoned by user|Container overflow|Array cookie|Intra object redzone|ASan internal|(?:Left|Right) alloca redzone|Shadow gap):/;

/**
 * The first line of a detailed failure report: what follows it (code, locals, frames, expected and
 * actual values, a diff) explains the failure even where no line looks like an error, so a block
 * stays open through it and its lines lose priority slowly. One shape per family of tools.
 */
export const REPORT_START_RE = new RegExp(
  [
    // pytest sections and per-test headers; unittest / nose; Python tracebacks
    String.raw`^=+ (?:FAILURES|ERRORS) =+$`,
    String.raw`^_{3,} .+ _{3,}$`,
    String.raw`^(?:FAIL|ERROR): \S`,
    String.raw`^Traceback \(most recent call last\)`,
    // JVM: uncaught exceptions, Surefire / Failsafe per-test reports, causes
    String.raw`^Exception in thread `,
    String.raw`<<< (?:FAILURE|ERROR)!`,
    String.raw`^Caused by: `,
    // sanitizers and native crashes
    String.raw`==\d+==\s*ERROR: \w*Sanitizer|WARNING: ThreadSanitizer|^\S+:\d+:\d+: runtime error: `,
    // Go, Rust
    String.raw`^--- FAIL: |^panic: |thread '.*' panicked at|^---- \S+ stdout ----`,
    // rspec, minitest, mocha, PHPUnit, jest
    String.raw`^Failures:$|^\s*\d+\) \S|There (?:was|were) \d+ (?:failure|error)s?:|^\s*● `,
    // ScalaTest, xUnit / NUnit, Pester, Erlang common_test
    String.raw`\*\*\* FAILED \*\*\*|\[FAIL\]|^\s*Failed \S+ \[|^\s*\[-\] |failed on line \d+|^=case\s`,
    // Gradle, Maven compiler, format checks printing a diff
    String.raw`^\* What went wrong:|COMPILATION ERROR|^diff --git `,
  ].join('|'),
);

/**
 * Stack frames in the language runtime, the test harness or the build tool, and frames elided as
 * `... N more`: in a long trace they say less than the head, the `Caused by` and the frames in the
 * project's own code, so they are the first to go when the budget is short.
 */
export const RUNTIME_FRAME_RE = new RegExp(
  [
    String.raw`^\s*at (?:java|javax|jdk|sun|com\.sun|org\.junit|junit|org\.testng|org\.apache\.maven|org\.gradle|worker\.org\.gradle|org\.codehaus\.(?:plexus|groovy)|groovy\.lang|kotlin|kotlinx\.coroutines|scala|org\.scalatest|org\.hamcrest|org\.assertj|org\.mockito\.internal|org\.spockframework)\.`,
    String.raw`^\s*\.\.\. \d+ (?:more|common frames omitted)`,
    String.raw`^\s*at (?:.*[( ])?(?:node:|internal/)|^\s*at .*/node_modules/`,
    String.raw`^\s*File ".*/(?:site-packages|dist-packages|lib/python\d[\d.]*)/`,
    String.raw`^\s*(?:from )?\S*/(?:gems|rubies)/\S+:\d+:in `,
    String.raw`#\d+ 0x[0-9a-f]+ in .*(?:/usr/lib/|/lib/x86_64|libc\.so|ld-linux|compiler-rt|sanitizer_common|libstdc\+\+|/rustc/)`,
    String.raw`^\s*at (?:System|Microsoft|Xunit|NUnit)\.`,
    String.raw`/usr/local/go/src/|/vendor/phpunit/`,
  ].join('|'),
);

/**
 * Sections where the runner describes its machine (Travis' `worker_info` and `system_info`:
 * `sudo -V`, `zip -v`, installed versions...) before the job runs: words like "error" and
 * "Exception" there ("give useful error messages", "License Exception TSU") are never evidence.
 */
export const RUNNER_INFO_SECTION_RE = /^(?:worker_info|system_info)$/;
/** A test's verdict of expected failure: PHP run-tests and pytest's summary put it first, pytest -v last (then its progress). */
export const EXPECTED_FAILURE_RE = /^XFAIL\s|\sXFAIL(?:\s+\[\s*\d+%\])?\s*$/;
