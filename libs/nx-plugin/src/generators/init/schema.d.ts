export interface InitGeneratorSchema {
  outputDir?: string;
  skipFormat?: boolean;
}
