import { PromiseExecutor } from '../../utils/devkit';
import { runFetch } from '../../utils/run-fetch';
import { FetchGenericExecutorSchema } from './schema';

/**
 * `@hermetic/nx:fetch-generic`: downloads and verifies the URL artifacts (`download_url`) of the
 * project's lockfile into `<outputDir>/deps/generic/`, the layout Hermeto uses.
 */
const runExecutor: PromiseExecutor<FetchGenericExecutorSchema> = (options, context) => runFetch(options, context, ['url']);

export default runExecutor;
