/**
 * `@hermetic/core/progress`: how a run reports itself (live display or plain lines, colour or not),
 * without the downloader, store or SBOM writer: the Nx task log of every executor loads it.
 */
export { createReporter, FetchSummary, formatSummary, LineReporter, ProgressReporter, silentReporter } from './reporter';
export { formatBytes } from './format';
export { outputStyle, OutputStyle, Palette, palette, StreamLike } from './output-style';
