package io.edgefuse.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.edgefuse.protocol.Answer;
import io.edgefuse.protocol.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Sends one image to the coordinator over MQTT 5 (Response Topic + Correlation Data) and prints the answer.")
final class InferCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model name as the coordinator serves it.")
    String model;

    @Option(names = "--image", required = true, description = "A JPEG or PNG file (or a tensor frame).")
    Path image;

    @Mixin
    BrokerOptions mqtt;

    @Option(names = "--timeout", defaultValue = "60", description = "Seconds to wait for the answer. Default: ${DEFAULT-VALUE}.")
    int timeout;

    @Option(names = "--json", description = "Print the answer as it came (JSON).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        byte[] payload;
        try {
            payload = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + image + ": " + e.getMessage());
        }
        BrokerAddress b = mqtt.address();
        Topics topics = mqtt.topics();
        String id = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        String replyTopic = topics.replies(id);
        Mqtt5AsyncClient c = MqttClient.builder().useMqttVersion5().identifier(id).serverHost(b.host()).serverPort(b.port()).buildAsync();
        try {
            c.connect().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot connect to the broker at " + b + ": " + e.getMessage());
        }
        try {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            c.subscribeWith().topicFilter(replyTopic).qos(MqttQos.AT_LEAST_ONCE).callback(p -> answer.complete(p.getPayloadAsBytes())).send().get(10, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            c.publishWith().topic(topics.infer(model)).qos(MqttQos.AT_LEAST_ONCE).payload(payload).responseTopic(replyTopic)
                    .correlationData(id.getBytes(StandardCharsets.UTF_8)).send().get(30, TimeUnit.SECONDS);
            byte[] a;
            try {
                a = answer.get(timeout, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                spec.commandLine().getErr().println("edgefuse infer: no answer within " + timeout + " s (is a coordinator serving '" + model + "' on " + b + "?)");
                return 4;
            }
            double roundTrip = (System.nanoTime() - t0) / 1e6;
            JsonNode j = Answer.parse(a);
            if (json) {
                out.println(new String(a, StandardCharsets.UTF_8));
            } else if (j.has("error")) {
                out.println("error " + j.path("error").path("code").asText() + ": " + j.path("error").path("message").asText());
            } else {
                out.printf("%s (version %s): %.1f ms in the cluster, %.1f ms round trip%n", j.path("model").asText(), j.path("modelVersion").asText().substring(0, 12),
                        j.path("latencyMs").asDouble(), roundTrip);
                Table t = new Table("label", "score");
                for (JsonNode l : j.path("top")) t.row(l.path("label").asText(), String.format("%.4f", l.path("score").asDouble()));
                t.print(out);
            }
            out.flush();
            return j.has("error") ? 1 : 0;
        } finally {
            c.disconnect();
        }
    }
}
