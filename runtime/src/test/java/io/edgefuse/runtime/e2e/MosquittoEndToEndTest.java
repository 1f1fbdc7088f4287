package io.edgefuse.runtime.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same system on Mosquitto (the production broker), with its dev config from broker-config/. */
class MosquittoEndToEndTest {
    private static MosquittoBroker broker;
    private static ClusterFixture f;
    private static MqttAnswers client;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(MosquittoBroker.available() || System.getenv("CI") != null, "mosquitto is not installed (scripts/setup.sh installs it)");
        broker = MosquittoBroker.start();
        f = ClusterFixture.start("127.0.0.1", broker.port, 2);
        client = new MqttAnswers("tcp://127.0.0.1:" + broker.port, "mosq");
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) client.close();
        if (f != null) f.close();
        if (broker != null) broker.close();
    }

    @Test
    void answersEqualLocalInferenceAndBadInputGetsAnError() throws Exception {
        for (int i = 0; i < 3; i++) {
            byte[] img = E2eModel.png(40 + i);
            f.assertMatchesLocal(img, MqttAnswers.get(client.askV3(f.model.name(), "m3-" + i, img)));
            f.assertMatchesLocal(img, MqttAnswers.get(client.askV5(f.model.name(), "m5-" + i, img)));
        }
        byte[] jpeg = E2eModel.png(1);
        JsonNode bad = MqttAnswers.get(client.askV3(f.model.name(), "m-bad", Arrays.copyOf(jpeg, 40)));
        assertEquals("bad_image", bad.path("error").path("code").asText(), bad.toString());
        JsonNode huge = MqttAnswers.get(client.askV5(f.model.name(), "m-huge", new byte[20 << 20]));
        assertEquals("payload_too_large", huge.path("error").path("code").asText());
        f.assertMatchesLocal(jpeg, MqttAnswers.get(client.askV5(f.model.name(), "m-after", jpeg)));
    }
}
