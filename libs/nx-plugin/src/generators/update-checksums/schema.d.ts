export interface UpdateChecksumsGeneratorSchema {
  project: string;
  write?: boolean;
  check?: boolean;
  concurrency?: number;
}
