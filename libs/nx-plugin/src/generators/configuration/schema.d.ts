export interface ConfigurationGeneratorSchema {
  project: string;
  inferred?: boolean;
  skipFormat?: boolean;
}
