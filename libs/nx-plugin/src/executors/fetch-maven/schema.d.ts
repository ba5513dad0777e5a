import { FetchExecutorOptions } from '../../utils/fetch-options';

/** Options of `@hermetic/nx:fetch-maven` (see schema.json for the defaults). */
export interface FetchMavenExecutorSchema extends FetchExecutorOptions {
  mavenLayout?: boolean;
  verifySidecars?: boolean;
}
