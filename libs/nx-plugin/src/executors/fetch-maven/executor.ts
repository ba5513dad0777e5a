import { PromiseExecutor } from '../../utils/devkit';
import { runFetch } from '../../utils/run-fetch';
import { FetchMavenExecutorSchema } from './schema';

/**
 * `@hermetic/nx:fetch-maven`: downloads and verifies the Maven artifacts (`type: maven`) of the
 * project's lockfile into `<outputDir>/deps/generic/`, and with `mavenLayout` also into a Maven
 * repository at `<outputDir>/deps/maven/` that `mvn -o -Dmaven.repo.local=…` or its settings.xml use.
 */
const runExecutor: PromiseExecutor<FetchMavenExecutorSchema> = (options, context) => runFetch(options, context, ['maven']);

export default runExecutor;
