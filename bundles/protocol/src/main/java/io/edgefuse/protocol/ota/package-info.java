/**
 * Signed over-the-air transfer of models and bundles: a retained, Ed25519-signed manifest per artifact
 * version, the artifact cut into chunks on their own topics, and a receiver that verifies every chunk
 * and the whole before anything uses it. Transport-agnostic: callers feed it MQTT messages and give it
 * a way to subscribe and to report progress. See docs/operations.md.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package io.edgefuse.protocol.ota;
