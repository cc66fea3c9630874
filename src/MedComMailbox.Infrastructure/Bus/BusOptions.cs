using System.ComponentModel.DataAnnotations;

namespace MedComMailbox.Infrastructure.Bus;

/// <summary>The message bus (configuration section <c>Bus</c>).</summary>
public sealed class BusOptions : IValidatableObject
{
    public const string Section = "Bus";

    /// <summary>
    /// Whether this process runs the consumers and the sweeps that go with them (<c>Bus:RunConsumers</c>, default true),
    /// read at registration time, before options exist.
    /// </summary>
    public static bool RunsConsumers(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        Microsoft.Extensions.Configuration.ConfigurationBinder.GetValue<bool?>(configuration, $"{Section}:{nameof(RunConsumers)}") ?? true;

    /// <summary><c>InMemory</c> (embedded default: consumers run in this process) or <c>RabbitMq</c> (production).</summary>
    public BusTransport Transport { get; init; } = BusTransport.InMemory;

    /// <summary>RabbitMQ: <c>amqp://user:password@host:5672/vhost</c>. Durable queues and publisher confirms are always on.</summary>
    public Uri? RabbitMqUrl { get; init; }

    /// <summary>Run the triage consumers in this process (default true). Set false on the web process when separate workers consume from RabbitMQ.</summary>
    public bool RunConsumers { get; init; } = true;

    /// <summary>
    /// The triage consumer's queue (default <c>medcom-triage</c>). A release that renames it leaves the old queue
    /// behind: the reconciliation sweep publishes again what was stranded there, and operators delete the old queue.
    /// </summary>
    [RegularExpression("^[a-z0-9][a-z0-9._-]{0,99}$", ErrorMessage = "Bus:TriageQueue must be lower case letters, digits, '.', '_' or '-' (at most 100).")]
    public string TriageQueue { get; init; } = DefaultTriageQueue;

    public const string DefaultTriageQueue = "medcom-triage";

    /// <summary>How many messages one process handles at once per queue.</summary>
    [Range(1, 256, ErrorMessage = "Bus:ConcurrentMessageLimit must be between 1 and 256.")]
    public int ConcurrentMessageLimit { get; init; } = 8;

    /// <summary>How long the dispatcher waits for the broker to confirm one publish before it tries again later.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ErrorMessage = "Bus:PublishTimeout must be between 1 second and 1 minute.")]
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Transport == BusTransport.RabbitMq && RabbitMqUrl is null)
        {
            yield return new ValidationResult("Bus:RabbitMqUrl is required when Bus:Transport is RabbitMq (amqp://user:password@host:5672/vhost).", [nameof(RabbitMqUrl)]);
        }

        if (RabbitMqUrl is { } url && url.Scheme is not ("amqp" or "amqps"))
        {
            yield return new ValidationResult("Bus:RabbitMqUrl must be an amqp:// or amqps:// URL.", [nameof(RabbitMqUrl)]);
        }
    }
}

public enum BusTransport
{
    InMemory,
    RabbitMq,
}
