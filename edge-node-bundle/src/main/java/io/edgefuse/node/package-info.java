/** The worker node: configuration, model store, and the running node (MQTT side, task pool). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package io.edgefuse.node;
