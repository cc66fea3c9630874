using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MedComMailbox.Workflow.Referrals;
using Microsoft.Extensions.Options;
using MimeKit;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MedComMailbox.Workflow.Course;

/// <summary>
/// Sends one notification e-mail to a responsible party over the SMTP server of <c>Workflow:Email</c> (MailKit), behind
/// a Polly pipeline as the house wraps its outbound calls: a timeout per try and two quick retries on a transient SMTP or
/// network failure. The caller (the consumer) owns the longer retries and the flag after the last one.
/// </summary>
public sealed class HandOverMailer(IOptions<WorkflowOptions> options)
{
    private static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(500),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = new PredicateBuilder().Handle<SocketException>().Handle<IOException>().Handle<ProtocolException>()
                .Handle<TimeoutRejectedException>().Handle<SmtpCommandException>(e => (int)e.StatusCode is >= 400 and < 500),
        })
        .AddTimeout(TimeSpan.FromSeconds(30))
        .Build();

    /// <summary>Sends a plain-text mail; throws when the server is not configured or refuses it after the quick retries.</summary>
    public async Task SendAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        var settings = options.Value.Email;
        if (string.IsNullOrWhiteSpace(settings.Host) || string.IsNullOrWhiteSpace(settings.From))
        {
            throw new InvalidOperationException("Workflow:Email:Host and Workflow:Email:From are not set: the hand-over notification cannot be sent.");
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        var security = !settings.UseTls ? SecureSocketOptions.None : settings.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await Pipeline.ExecuteAsync(async token =>
        {
            using var client = new SmtpClient();
            await client.ConnectAsync(settings.Host, settings.Port, security, token);
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                await client.AuthenticateAsync(settings.UserName, settings.Password ?? "", token);
            }

            await client.SendAsync(message, token);
            await client.DisconnectAsync(quit: true, token);
        }, cancellationToken);
    }
}
