using Microsoft.Extensions.Options;

namespace Digit.Backend.Hosting;

// Source-generated from the data annotations on each options type (and its IValidatableObject checks).

/// <summary>Checks <see cref="ModelStoreOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class ModelStoreOptionsValidator : IValidateOptions<ModelStoreOptions>;

/// <summary>Checks <see cref="RunStateOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class RunStateOptionsValidator : IValidateOptions<RunStateOptions>;

/// <summary>Checks <see cref="RetrainOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class RetrainOptionsValidator : IValidateOptions<RetrainOptions>;

/// <summary>Checks <see cref="FrontendOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class FrontendOptionsValidator : IValidateOptions<FrontendOptions>;

/// <summary>Checks <see cref="FeedbackOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class FeedbackOptionsValidator : IValidateOptions<FeedbackOptions>;
