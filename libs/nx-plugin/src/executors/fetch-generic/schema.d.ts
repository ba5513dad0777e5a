import { FetchGenericOptions } from '../../utils/fetch-options';

/** Options of `@hermetic/nx:fetch-generic`: core's fetch settings but the Maven-only ones, and the paths (see schema.json). */
export type FetchGenericExecutorSchema = FetchGenericOptions;
