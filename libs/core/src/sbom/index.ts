export { lockfileComponents, SbomComponent } from './components';
export { toCycloneDx, serializeSbom, CycloneDxBom, CycloneDxDocument, subjectRef } from './cyclonedx';
export { toSpdx, spdxPackageId } from './spdx';
export { mergeCycloneDx } from './merge';
export { genericPurl, mavenPurl, encodePurlPart } from './purl';
export { redactUrl, REDACTED } from './redact';
export { SbomOptions } from './options';
export { writeSbom, writeMergedSbom, sbomPath, SbomFormat } from './write-sbom';
