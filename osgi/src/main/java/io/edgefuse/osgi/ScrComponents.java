package io.edgefuse.osgi;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Reads component states from SCR's ServiceComponentRuntime.
 *
 * <p>By reflection on purpose: the DS API (org.osgi.service.component) is a bundle inside the framework,
 * so the launcher on the class path cannot link against it without also exporting it from the system
 * bundle, which would pin the DS API to the launcher and defeat replacing SCR at run time.
 */
public final class ScrComponents {
    static final String RUNTIME = "org.osgi.service.component.runtime.ServiceComponentRuntime";
    static final String DESCRIPTION_DTO = "org.osgi.service.component.runtime.dto.ComponentDescriptionDTO";
    // ComponentConfigurationDTO state constants (DS 1.3+).
    static final int UNSATISFIED_CONFIGURATION = 1;
    static final int UNSATISFIED_REFERENCE = 2;
    static final int SATISFIED = 4;
    static final int ACTIVE = 8;
    static final int FAILED_ACTIVATION = 16;

    /** One component configuration (or a description that has none yet: state 0, waiting for config). */
    public record Component(String bundle, String name, int state, String detail) {
        /** Satisfied components are registered and activate on first use (delayed), so they count as up. */
        public boolean isUp() {
            return state == ACTIVE || state == SATISFIED;
        }

        /** configuration-policy=require without a configuration: waiting for a .cfg, not broken. */
        public boolean awaitsConfiguration() {
            return state == 0;
        }

        @Override
        public String toString() {
            return bundle + "/" + name + " " + stateName(state) + (detail.isEmpty() ? "" : " " + detail);
        }
    }

    private ScrComponents() {}

    /** Every enabled component, or an empty list when SCR is not running. */
    public static List<Component> list(BundleContext ctx) {
        // getAll...: the launcher's class loader does not (and must not) see the DS API, so the
        // class-space filter of getServiceReference would hide SCR from it.
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getAllServiceReferences(RUNTIME, null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        if (refs == null) return List.of();
        ServiceReference<?> ref = refs[0];
        Object scr = ctx.getService(ref);
        if (scr == null) return List.of();
        try {
            // Bind to the API classes SCR itself is wired to; the implementation class is SCR-internal.
            Class<?> api = ref.getBundle().loadClass(RUNTIME);
            Class<?> descType = api.getClassLoader().loadClass(DESCRIPTION_DTO);
            Method descriptions = api.getMethod("getComponentDescriptionDTOs", Bundle[].class);
            Method isEnabled = api.getMethod("isComponentEnabled", descType);
            Method configs = api.getMethod("getComponentConfigurationDTOs", descType);
            List<Component> out = new ArrayList<>();
            for (Object desc : (Collection<?>) descriptions.invoke(scr, (Object) new Bundle[0])) {
                if (!(Boolean) isEnabled.invoke(scr, desc)) continue;
                String name = (String) field(desc, "name");
                String bundle = (String) field(field(desc, "bundle"), "symbolicName");
                Collection<?> cfgs = (Collection<?>) configs.invoke(scr, desc);
                if (cfgs.isEmpty()) out.add(new Component(bundle, name, 0, "(no configuration)"));
                for (Object cfg : cfgs) out.add(new Component(bundle, name, (Integer) field(cfg, "state"), detail(cfg)));
            }
            return out;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read SCR component states", e);
        } finally {
            ctx.ungetService(ref);
        }
    }

    static String stateName(int state) {
        return switch (state) {
            case 0 -> "AWAITING_CONFIGURATION";
            case UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case SATISFIED -> "SATISFIED";
            case ACTIVE -> "ACTIVE";
            case FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "STATE(" + state + ")";
        };
    }

    private static String detail(Object cfg) throws ReflectiveOperationException {
        Object failure = optionalField(cfg, "failure"); // DS 1.4+
        if (failure != null) return "failure: " + failure;
        Object[] unsatisfied = (Object[]) field(cfg, "unsatisfiedReferences");
        if (unsatisfied == null || unsatisfied.length == 0) return "";
        List<String> names = new ArrayList<>();
        for (Object u : unsatisfied) names.add(field(u, "name") + " " + field(u, "target"));
        return "unsatisfied references: " + names;
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getField(name);
        return f.get(o);
    }

    private static Object optionalField(Object o, String name) throws IllegalAccessException {
        try {
            return o.getClass().getField(name).get(o);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }
}
