import { FetchMavenOptions } from '../../utils/fetch-options';

/** Options of `@hermetic/nx:fetch-maven`: every fetch setting of core's table, and the paths (see schema.json). */
export type FetchMavenExecutorSchema = FetchMavenOptions;
