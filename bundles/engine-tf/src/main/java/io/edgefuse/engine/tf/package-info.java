/** TensorFlow Java engine: the tile executor, the plain whole-model baseline and their benchmark. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.2.0")
package io.edgefuse.engine.tf;
