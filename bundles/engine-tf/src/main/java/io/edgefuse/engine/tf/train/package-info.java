/**
 * Training and fine-tuning of models in our format with TensorFlow Java: {@link io.edgefuse.engine.tf.train.Trainer}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.edgefuse.engine.tf.train;
